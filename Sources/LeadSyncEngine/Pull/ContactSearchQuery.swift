/// One filter of a contact search: `property operator value`, in HubSpot's terms.
public struct ContactSearchFilter: Sendable, Hashable {
    /// The operators the pull uses (hubspot-api.md §4.2).
    public enum Operator: String, Sendable, Hashable {
        case equal = "EQ"
        case greaterThan = "GT"
        case greaterThanOrEqual = "GTE"
        case lessThanOrEqual = "LTE"
        case hasProperty = "HAS_PROPERTY"
        case notHasProperty = "NOT_HAS_PROPERTY"
    }

    public let property: String
    public let op: Operator
    /// The operand as HubSpot takes it (epoch milliseconds for dates); nil for the presence tests.
    public let value: String?

    public init(_ property: String, _ op: Operator, _ value: String? = nil) {
        self.property = property
        self.op = op
        self.value = value
    }
}

/// A contact search request as the pull plans it: one filter group (every filter must hold), one
/// ascending sort, the first page only. The pull never pages by offset, so no query comes near
/// search's 10,000-result cap (docs/decisions/pull-incremental-keyset-windows.md).
public struct ContactSearchQuery: Sendable, Hashable {
    public let filters: [ContactSearchFilter]
    /// The property the results are sorted by, ascending.
    public let sortProperty: String
    public let limit: Int

    public init(filters: [ContactSearchFilter], sortProperty: String, limit: Int) {
        self.filters = filters
        self.sortProperty = sortProperty
        self.limit = limit
    }
}
