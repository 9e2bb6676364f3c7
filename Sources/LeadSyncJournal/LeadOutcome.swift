/// What the remote answered for one lead's pending values: recorded by
/// `Journal.recordOutcomes(_:)` in one transaction.
package struct LeadOutcome: Sendable, Hashable {
    /// The outcome for one field's value, identified by the change it came from.
    package struct Field: Sendable, Hashable {
        package enum Result: Sendable, Hashable {
            /// The remote acknowledged `sent` for `property`; it becomes the base value.
            case delivered(property: String, sent: String)
            /// Refused for good.
            case rejected(category: String, message: String, source: RejectedEntry.Source)
            /// A write rule decided not to send it; `remoteValue`, when known, becomes the lead's
            /// current value and the property's base value.
            case skipped(property: String, remoteValue: String?)
        }

        package var field: String
        /// The seq the outcome concerns: ignored (except for base values) when a newer value of
        /// the field arrived meanwhile, so an older value never marks a newer one done.
        package var seq: Int64
        package var result: Result

        package init(field: String, seq: Int64, result: Result) {
            self.field = field
            self.seq = seq
            self.result = result
        }
    }

    /// How the lead's remote id changes.
    package enum RemoteID: Sendable, Hashable {
        case keep
        case set(String)
        /// The remote record is gone: unlink the lead and forget its base values.
        case clear
    }

    package var lead: String
    package var remoteID: RemoteID
    package var fields: [Field]

    package init(lead: String, remoteID: RemoteID = .keep, fields: [Field]) {
        self.lead = lead
        self.remoteID = remoteID
        self.fields = fields
    }
}
