public import LeadSyncSupport

/// Everything the journal knows about one lead, as `lead show` prints it.
public struct LeadRecord: Sendable, Hashable {
    /// One field's delivery: the property it maps to and the state of its current value.
    public struct FieldDelivery: Sendable, Hashable {
        public var property: String?
        public var state: DeliveryState
        public var value: FieldValue
        /// When the current value was set (epoch milliseconds).
        public var atMilliseconds: Int64
    }

    /// A change of this lead with at least one pending value.
    public struct PendingChange: Sendable, Hashable {
        public var seq: Int64
        public var atMilliseconds: Int64
        public var fields: [String: FieldValue]

        package init(seq: Int64, atMilliseconds: Int64, fields: [String: FieldValue]) {
            self.seq = seq
            self.atMilliseconds = atMilliseconds
            self.fields = fields
        }
    }

    public var lead: String
    public var remoteID: String?
    public var state: LeadState
    /// Current values (latest `at` wins; null when cleared).
    public var fields: [String: FieldValue]
    public var delivery: [String: FieldDelivery]
    public var pending: [PendingChange]
    public var rejected: [RejectedEntry]
}
