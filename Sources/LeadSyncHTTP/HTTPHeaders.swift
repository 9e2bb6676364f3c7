import LeadSyncSupport

/// Header fields in order, looked up case-insensitively.
package struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    private var fields: [(name: String, value: String)]

    package init() { fields = [] }

    package init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// Appends a field; earlier fields of the same name stay.
    package mutating func add(name: String, value: String) { fields.append((name, value)) }

    /// Replaces every field of that name with one field.
    package mutating func replaceOrAdd(name: String, value: String) {
        fields.removeAll { HTTPFieldName.same($0.name, name) }
        fields.append((name, value))
    }

    /// The first value of the named field, compared case-insensitively.
    package subscript(name: String) -> String? {
        fields.first { HTTPFieldName.same($0.name, name) }?.value
    }

    package var count: Int { fields.count }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}
