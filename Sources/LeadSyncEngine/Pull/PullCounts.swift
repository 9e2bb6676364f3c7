/// What a pull did, as `pull --json` reports it: each contact pulled counted once, by its first
/// outcome in the run (cli-contract.md).
package struct PullCounts: Sendable, Hashable {
    package var created = 0
    package var linked = 0
    package var updated = 0
    package var unchanged = 0

    package init(created: Int = 0, linked: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        (self.created, self.linked, self.updated, self.unchanged) = (created, linked, updated, unchanged)
    }

    /// Adds one contact's outcome.
    package mutating func count(_ outcome: PullMerge.Outcome) {
        switch outcome {
        case .created: created += 1
        case .linked: linked += 1
        case .updated: updated += 1
        case .unchanged: unchanged += 1
        }
    }

    /// Contacts counted.
    package var total: Int { created + linked + updated + unchanged }

    /// `{"created": N, "linked": N, "updated": N, "unchanged": N}`, keys in the contract's order.
    package var json: String {
        #"{"created": \#(created), "linked": \#(linked), "updated": \#(updated), "unchanged": \#(unchanged)}"#
    }
}
