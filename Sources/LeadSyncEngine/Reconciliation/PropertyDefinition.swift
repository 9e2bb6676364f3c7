/// What the engine needs to know about one HubSpot contact property to convert and check a value
/// before spending a request on it (hubspot-api.md §8).
public struct PropertyDefinition: Sendable, Hashable {
    /// HubSpot's `type` of a property.
    public enum ValueType: String, Sendable, Hashable {
        case string, number, date, datetime, enumeration, bool
        case phoneNumber = "phone_number"
        /// Anything else HubSpot lists (`json`, `object_coordinates`): sent as text, checked by HubSpot.
        case other
    }

    public var name: String
    public var type: ValueType
    /// The option *values* (not labels) an enumeration accepts.
    public var options: [String]
    /// A multi-checkbox enumeration: values are `;`-separated and each must be an option.
    public var allowsMultipleOptions: Bool
    /// `modificationMetadata.readOnlyValue` or `calculated`: HubSpot refuses any write.
    public var isReadOnly: Bool

    public init(
        name: String, type: ValueType, options: [String] = [], allowsMultipleOptions: Bool = false,
        isReadOnly: Bool = false
    ) {
        self.name = name
        self.type = type
        self.options = options
        self.allowsMultipleOptions = allowsMultipleOptions
        self.isReadOnly = isReadOnly
    }
}
