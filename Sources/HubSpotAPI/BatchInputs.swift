/// One input of a batch upsert: create or update the contact whose `idProperty` is `id`.
public struct UpsertInput: Sendable, Hashable {
    /// The key value, e.g. the (trimmed, lowercased) email.
    public var id: String
    /// `email`, or a custom property with unique values.
    public var idProperty: String
    /// Unique within the batch: HubSpot names it in the error of a refused input.
    public var objectWriteTraceId: String
    public var properties: [String: String]

    public init(id: String, idProperty: String = "email", objectWriteTraceId: String, properties: [String: String]) {
        self.id = id
        self.idProperty = idProperty
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
    }
}

/// One input of a batch update by record id.
public struct UpdateInput: Sendable, Hashable {
    public var id: String
    public var objectWriteTraceId: String
    public var properties: [String: String]

    public init(id: String, objectWriteTraceId: String, properties: [String: String]) {
        self.id = id
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
    }
}
