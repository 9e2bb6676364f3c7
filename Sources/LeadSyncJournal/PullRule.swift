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

extension PullRule {
    /// Checks a new rule as every store does before adding it.
    /// - Throws: `JournalError.invalidRule` when the values do not suit the operator.
    package static func validate(property: String, op: Operator, values: [String]) throws(JournalError) {
        guard !property.isEmpty else { throw JournalError(.invalidRule, "a pull rule needs a property") }
        switch op {
        case .eq, .after:
            guard values.count == 1 else {
                throw JournalError(.invalidRule, "--\(op.rawValue) takes exactly one value")
            }
        case .in:
            guard !values.isEmpty else { throw JournalError(.invalidRule, "--in takes at least one value") }
        case .hasValue, .notSet:
            guard values.isEmpty else { throw JournalError(.invalidRule, "\(op.rawValue) takes no value") }
        }
    }
}
