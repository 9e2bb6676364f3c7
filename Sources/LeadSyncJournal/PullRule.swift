/// A filter on remote records for pull: a record comes in when it matches every rule.
package struct PullRule: Sendable, Hashable, Codable {
    package enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case eq, `in`
        case hasValue = "has_value"
        case notSet = "not_set"
        case after
    }

    /// The rule's id as `pull-rules list` shows it.
    package var id: String
    package var property: String
    package var op: Operator
    package var values: [String]

    package init(id: String, property: String, op: Operator, values: [String]) {
        self.id = id
        self.property = property
        self.op = op
        self.values = values
    }
}
