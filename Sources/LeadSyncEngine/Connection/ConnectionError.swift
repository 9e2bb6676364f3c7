/// Why HubSpot access is not available, in words for the user and an exit code's worth of kind.
package struct ConnectionError: Error, Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Hashable {
        /// No stored credentials and no `LEADSYNC_TOKEN` (exit 3).
        case notConnected
        /// The stored grant is dead (exit 3).
        case reconnectionRequired
        /// HubSpot refused the credentials being connected (exit 1).
        case refused
        /// The OAuth flow failed: timeout, wrong `state`, `error=` redirect (exit 1).
        case authorizationFailed
        /// A different account than the journal's, without `--new-account` (exit 2); or a bad
        /// client id/secret (exit 2).
        case configuration
    }

    package let kind: Kind
    package let message: String

    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    package var description: String { message }
}
