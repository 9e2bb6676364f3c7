/// A contact search: filter groups (OR between groups, AND inside), one sort, a page.
public struct ContactSearch: Sendable, Hashable {
    /// One condition on a property.
    public struct Filter: Sendable, Hashable {
        public var propertyName: String
        /// `EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN HAS_PROPERTY NOT_HAS_PROPERTY CONTAINS_TOKEN NOT_CONTAINS_TOKEN`
        public var `operator`: String
        public var value: String?
        public var highValue: String?
        public var values: [String]?

        public init(
            propertyName: String, operator: String, value: String? = nil, highValue: String? = nil,
            values: [String]? = nil
        ) {
            self.propertyName = propertyName
            self.operator = `operator`
            self.value = value
            self.highValue = highValue
            self.values = values
        }
    }

    public struct Sort: Sendable, Hashable {
        public var propertyName: String
        public var ascending: Bool

        public init(propertyName: String, ascending: Bool = true) {
            self.propertyName = propertyName
            self.ascending = ascending
        }
    }

    public var filterGroups: [[Filter]]
    public var sorts: [Sort]
    public var properties: [String]
    /// At most 200.
    public var limit: Int
    public var after: String?

    public init(
        filterGroups: [[Filter]] = [], sorts: [Sort] = [], properties: [String] = [], limit: Int = 100,
        after: String? = nil
    ) {
        self.filterGroups = filterGroups
        self.sorts = sorts
        self.properties = properties
        self.limit = limit
        self.after = after
    }
}
