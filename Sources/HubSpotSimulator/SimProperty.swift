import LeadSyncSupport

/// A contact property definition as the Properties API describes it.
public struct SimProperty: Sendable, Equatable {
    /// One allowed value of an enumeration.
    public struct Option: Sendable, Equatable {
        public var label: String
        public var value: String
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    public var name: String
    public var label: String
    /// `string`, `number`, `date`, `datetime`, `enumeration`, `bool`, `phone_number`.
    public var type: String
    /// `text`, `textarea`, `number`, `date`, `select`, `booleancheckbox`, `checkbox`, …
    public var fieldType: String
    public var groupName: String
    public var options: [Option]
    /// Usable as `idProperty` (HubSpot allows up to 10 per object).
    public var hasUniqueValue: Bool
    /// Values cannot be written through the API (`modificationMetadata.readOnlyValue`).
    public var readOnlyValue: Bool
    public var calculated: Bool
    public var hubspotDefined: Bool
    public var createdAtMilliseconds: Int64

    public init(
        name: String, label: String? = nil, type: String, fieldType: String, groupName: String = "contactinformation",
        options: [Option] = [], hasUniqueValue: Bool = false, readOnlyValue: Bool = false, calculated: Bool = false,
        hubspotDefined: Bool = false, createdAtMilliseconds: Int64 = 0
    ) {
        self.name = name
        self.label = label ?? name
        self.type = type
        self.fieldType = fieldType
        self.groupName = groupName
        self.options = options
        self.hasUniqueValue = hasUniqueValue
        self.readOnlyValue = readOnlyValue
        self.calculated = calculated
        self.hubspotDefined = hubspotDefined
        self.createdAtMilliseconds = createdAtMilliseconds
    }

    /// The `Property` JSON of the Properties API.
    var json: JSONValue {
        let stamp = JSONValue.string(ISOTimestamp.format(createdAtMilliseconds))
        var members: [(String, JSONValue)] = [
            ("name", .string(name)), ("label", .string(label)), ("type", .string(type)),
            ("fieldType", .string(fieldType)), ("description", ""), ("groupName", .string(groupName)),
            (
                "options",
                .array(
                    options.enumerated().map { index, option in
                        [
                            "label": .string(option.label), "value": .string(option.value), "displayOrder": .int(index),
                            "hidden": false,
                        ]
                    })
            ),
            ("displayOrder", -1), ("calculated", .bool(calculated)), ("externalOptions", false),
            ("hasUniqueValue", .bool(hasUniqueValue)), ("hidden", false), ("hubspotDefined", .bool(hubspotDefined)),
            (
                "modificationMetadata",
                [
                    "archivable": .bool(!hubspotDefined), "readOnlyDefinition": .bool(hubspotDefined),
                    "readOnlyValue": .bool(readOnlyValue),
                ]
            ),
            ("formField", .bool(!readOnlyValue)), ("dataSensitivity", "non_sensitive"),
            ("createdAt", stamp), ("updatedAt", stamp), ("archived", false),
        ]
        if type == "datetime" || type == "date" { members.append(("dateDisplayHint", "absolute")) }
        return .object(members)
    }
}
