/// A contact search: filter groups (OR between groups, AND inside), one sort, a page.
package struct ContactSearch: Sendable, Hashable {
    /// One condition on a property.
    package struct Filter: Sendable, Hashable {
        package var propertyName: String
        /// `EQ NEQ LT LTE GT GTE BETWEEN IN NOT_IN HAS_PROPERTY NOT_HAS_PROPERTY CONTAINS_TOKEN NOT_CONTAINS_TOKEN`
        package var `operator`: String
        package var value: String?
        package var highValue: String?
        package var values: [String]?

        package init(
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

    package struct Sort: Sendable, Hashable {
        package var propertyName: String
        package var ascending: Bool

        package init(propertyName: String, ascending: Bool = true) {
            self.propertyName = propertyName
            self.ascending = ascending
        }
    }

    package var filterGroups: [[Filter]]
    package var sorts: [Sort]
    package var properties: [String]
    /// At most 200.
    package var limit: Int
    package var after: String?

    package init(
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
