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
