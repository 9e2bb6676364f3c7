/// Where one lead field's current value stands with the remote system.
public enum DeliveryState: Int64, Sendable, Hashable, CaseIterable {
    /// Mapped and not yet acknowledged.
    case pending = 0
    /// Acknowledged by the remote (or pulled from it).
    case delivered = 1
    /// Refused for good; listed in `rejectedEntries()` until retried.
    case rejected = 2
    /// A write rule decided not to send it.
    case skipped = 3
    /// No mapping covers the field: local only.
    case unmapped = 4

    /// The name the CLI and JSON use.
    public var name: String {
        switch self {
        case .pending: "pending"
        case .delivered: "delivered"
        case .rejected: "rejected"
        case .skipped: "skipped"
        case .unmapped: "unmapped"
        }
    }
}
