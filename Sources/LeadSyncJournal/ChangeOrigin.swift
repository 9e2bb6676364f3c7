/// Where a journaled change came from.
package enum ChangeOrigin: Int64, Sendable, Hashable {
    /// Recorded locally (ingest or the library's `record`); these are what gets pushed.
    case local = 0
    /// Pulled from the remote system; never pending.
    case remote = 1

    /// The name the CLI and JSON use (`local`, `hubspot`).
    package var name: String { self == .local ? "local" : "hubspot" }
}
