/// A lead field mapped to a remote property, with its write rule.
package struct Mapping: Sendable, Hashable, Codable {
    /// When a mapped value is written to the remote record.
    package enum WriteRule: String, Sendable, Hashable, Codable, CaseIterable {
        /// Always write the local value.
        case overwrite
        /// Write only when the remote value is empty; a null is never sent (recorded as skipped).
        case ifEmpty = "if-empty"
    }

    package var field: String
    package var property: String
    package var write: WriteRule

    package init(field: String, property: String, write: WriteRule = .overwrite) {
        self.field = field
        self.property = property
        self.write = write
    }

    /// The property whose field is a lead's identity (matched trimmed and lowercased).
    package static let identityProperty = "email"

    /// The mappings a new journal starts with.
    package static let defaults: [Mapping] = [
        Mapping(field: "email", property: "email"),
        Mapping(field: "first_name", property: "firstname"),
        Mapping(field: "last_name", property: "lastname"),
        Mapping(field: "phone", property: "phone"),
        Mapping(field: "company", property: "company"),
        Mapping(field: "job_title", property: "jobtitle"),
        Mapping(field: "website", property: "website"),
    ]
}

extension Mapping {
    /// What setting `mapping` does to the mappings `current` (by field), the same for every store.
    package enum Change: Sendable, Equatable {
        /// The field keeps its property (only the write rule may change): no value becomes pending.
        case sameProperty
        /// The field gets a new property; `replaced` is the mapping of another field to that
        /// property, which goes.
        case newProperty(replaced: Mapping?)
    }

    /// Checks setting `mapping` over `current` and says what it changes.
    /// - Throws: `JournalError.invalidMapping` for empty names, or when the field is the
    ///   identity's and would move to another property.
    package static func change(setting mapping: Mapping, over current: [String: Mapping]) throws(JournalError)
        -> Change
    {
        guard !mapping.field.isEmpty, !mapping.property.isEmpty else {
            throw JournalError(.invalidMapping, "a mapping needs a lead field and a property")
        }
        let previous = current[mapping.field]
        if previous?.property == mapping.property { return .sameProperty }
        if previous?.property == identityProperty {
            throw JournalError(
                .invalidMapping,
                "`\(mapping.field)` is mapped to `\(identityProperty)`, the lead's identity; map another field to `\(identityProperty)` instead"
            )
        }
        return .newProperty(
            replaced: current.values.first { $0.property == mapping.property && $0.field != mapping.field })
    }

    /// Checks removing `mapping`, as every store does.
    /// - Throws: `JournalError.invalidMapping` for the field mapped to the identity property.
    package static func checkRemoval(of mapping: Mapping) throws(JournalError) {
        guard mapping.property != identityProperty else {
            throw JournalError(
                .invalidMapping,
                "cannot remove the mapping of `\(mapping.field)` to `\(identityProperty)`: it is the lead's identity")
        }
    }
}
