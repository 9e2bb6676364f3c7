/// One input of a batch upsert: create or update the contact whose `idProperty` is `id`.
package struct UpsertInput: Sendable, Hashable {
    /// The key value, e.g. the (trimmed, lowercased) email.
    package var id: String
    /// `email`, or a custom property with unique values.
    package var idProperty: String
    /// Unique within the batch: HubSpot names it in the error of a refused input.
    package var objectWriteTraceId: String
    package var properties: [String: String]

    package init(id: String, idProperty: String = "email", objectWriteTraceId: String, properties: [String: String]) {
        self.id = id
        self.idProperty = idProperty
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
    }
}

/// One input of a batch update by record id.
package struct UpdateInput: Sendable, Hashable {
    package var id: String
    package var objectWriteTraceId: String
    package var properties: [String: String]

    package init(id: String, objectWriteTraceId: String, properties: [String: String]) {
        self.id = id
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
    }
}
