/// A filter on remote records for pull: a record comes in when it matches every rule.
public struct PullRule: Sendable, Hashable, Codable {
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        case eq, `in`
        case hasValue = "has_value"
        case notSet = "not_set"
        case after
    }

    /// The rule's id as `pull-rules list` shows it.
    public var id: String
    public var property: String
    public var op: Operator
    public var values: [String]

    public init(id: String, property: String, op: Operator, values: [String]) {
        self.id = id
        self.property = property
        self.op = op
        self.values = values
    }
}
