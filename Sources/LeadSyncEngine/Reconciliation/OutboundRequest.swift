package import HubSpotAPI

/// A batch request the state machine asks its shell to send.
package struct OutboundRequest: Sendable, Hashable {
    /// Which HubSpot batch call carries it.
    package enum Kind: Sendable, Hashable {
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
    package struct Input: Sendable, Hashable {
        /// The email (by-email calls) or the contact id (by-id calls).
        package var key: String
        /// Unique within the request: HubSpot echoes it on per-input errors (207).
        package var traceID: String
        /// Property → value to write; empty for reads.
        package var properties: PropertyValues
    }

    /// The trace id of the input at `index`: its position, unique within the request, which is
    /// all HubSpot asks of a trace id (a split request's halves keep their inputs' ids).
    static func traceID(_ index: Int) -> String { String(index) }

    /// Identifies the request in the events that answer it.
    package var id: Int
    package var kind: Kind
    package var inputs: [Input]
    /// For reads: the properties to return.
    package var readProperties: [String]
}
