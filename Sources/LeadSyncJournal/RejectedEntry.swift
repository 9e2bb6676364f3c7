public import LeadSyncSupport

/// Values the remote (or local validation with the remote's rules) refused for good.
public struct RejectedEntry: Sendable, Hashable {
    /// Where the refusal came from.
    public enum Source: String, Sendable, Hashable {
        case local
        case remote = "hubspot"
    }

    public var id: String
    public var lead: String
    /// The refused fields only, with the values refused.
    public var fields: [String: FieldValue]
    public var category: String
    public var message: String
    /// When it was refused (epoch milliseconds).
    public var atMilliseconds: Int64
    public var source: Source

    package init(
        id: String, lead: String, fields: [String: FieldValue], category: String, message: String,
        atMilliseconds: Int64, source: Source
    ) {
        self.id = id
        self.lead = lead
        self.fields = fields
        self.category = category
        self.message = message
        self.atMilliseconds = atMilliseconds
        self.source = source
    }
}
