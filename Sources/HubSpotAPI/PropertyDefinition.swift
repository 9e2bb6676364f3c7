/// One contact property as HubSpot defines it, for mapping checks and value validation.
package struct PropertyDefinition: Sendable, Hashable, Decodable {
    package struct Option: Sendable, Hashable, Decodable {
        package var label: String
        /// What a write must send (not the label).
        package var value: String

        package init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    package var name: String
    package var label: String
    /// `string`, `number`, `date`, `datetime`, `enumeration`, `bool`, `phone_number`.
    package var type: String
    /// `text`, `select`, `booleancheckbox`, …
    package var fieldType: String
    package var options: [Option]
    package var hasUniqueValue: Bool
    package var calculated: Bool
    package var hubspotDefined: Bool
    /// True when no write may set this property (`modificationMetadata.readOnlyValue`).
    package var readOnlyValue: Bool

    package init(
        name: String, label: String = "", type: String, fieldType: String, options: [Option] = [],
        hasUniqueValue: Bool = false, calculated: Bool = false, hubspotDefined: Bool = false,
        readOnlyValue: Bool = false
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.fieldType = fieldType
        self.options = options
        self.hasUniqueValue = hasUniqueValue
        self.calculated = calculated
        self.hubspotDefined = hubspotDefined
        self.readOnlyValue = readOnlyValue
    }

    /// True when a write may set this property.
    package var isWritable: Bool { !readOnlyValue && !calculated }

    enum CodingKeys: String, CodingKey {
        case name, label, type, fieldType, options, hasUniqueValue, calculated, hubspotDefined, modificationMetadata
    }
    struct ModificationMetadata: Decodable { var readOnlyValue: Bool? }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        label = try c.decodeIfPresent(String.self, forKey: .label) ?? name
        type = try c.decode(String.self, forKey: .type)
        fieldType = try c.decodeIfPresent(String.self, forKey: .fieldType) ?? ""
        options = try c.decodeIfPresent([Option].self, forKey: .options) ?? []
        hasUniqueValue = try c.decodeIfPresent(Bool.self, forKey: .hasUniqueValue) ?? false
        calculated = try c.decodeIfPresent(Bool.self, forKey: .calculated) ?? false
        hubspotDefined = try c.decodeIfPresent(Bool.self, forKey: .hubspotDefined) ?? false
        readOnlyValue =
            try c.decodeIfPresent(ModificationMetadata.self, forKey: .modificationMetadata)?.readOnlyValue ?? false
    }
}
