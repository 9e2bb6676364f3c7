/// A batch request the state machine asks its shell to send.
public struct OutboundRequest: Sendable, Hashable {
    /// Which HubSpot batch call carries it.
    public enum Kind: Sendable, Hashable {
        /// `batch/upsert` with `idProperty: email`: update the contact with that email, or create it.
        case upsertByEmail
        /// `batch/update` by record id.
        case updateByID
        /// `batch/read` with `idProperty: email`.
        case readByEmail
        /// `batch/read` by record id.
        case readByID

        var isRead: Bool { self == .readByEmail || self == .readByID }
    }

    /// One input of the batch.
    public struct Input: Sendable, Hashable {
        /// The email (by-email calls) or the contact id (by-id calls).
        public var key: String
        /// Unique within the request: HubSpot echoes it on per-input errors (207).
        public var traceID: String
        /// Property → value to write; empty for reads.
        public var properties: [String: String]
    }

    /// Identifies the request in the events that answer it.
    public var id: Int
    public var kind: Kind
    public var inputs: [Input]
    /// For reads: the properties to return.
    public var readProperties: [String]
}
