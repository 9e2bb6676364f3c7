/// An input of a batch write, written as `{<key>"objectWriteTraceId":…,"properties":{…}<trailer>}`.
protocol BatchWriteInput {
    /// Unique within the batch: HubSpot names it in the result or error of the input.
    var objectWriteTraceId: String { get }
    var properties: PropertyValues { get }
    /// The fields that say which record the input writes, each followed by a comma.
    func writeKey(_ json: inout JSONWriter)
    /// Fields after the properties, each preceded by a comma.
    func writeTrailer(_ json: inout JSONWriter)
}

extension BatchWriteInput {
    func writeKey(_ json: inout JSONWriter) {}
    func writeTrailer(_ json: inout JSONWriter) {}
}

/// One input of a batch upsert: create or update the contact whose `idProperty` is `id`.
package struct UpsertInput: Sendable, Hashable {
    /// The key value, e.g. the (trimmed, lowercased) email.
    package var id: String
    /// `email`, or a custom property with unique values.
    package var idProperty: String
    /// Unique within the batch: HubSpot names it in the error of a refused input.
    package var objectWriteTraceId: String
    package var properties: PropertyValues

    package init(id: String, idProperty: String = "email", objectWriteTraceId: String, properties: PropertyValues) {
        self.id = id
        self.idProperty = idProperty
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
    }
}

extension UpsertInput: BatchWriteInput {
    func writeKey(_ json: inout JSONWriter) {
        json.key("id")
        json.string(id)
        json.raw(",")
        json.key("idProperty")
        json.string(idProperty)
        json.raw(",")
    }
}

/// One input of a batch update by record id.
package struct UpdateInput: Sendable, Hashable {
    package var id: String
    package var objectWriteTraceId: String
    package var properties: PropertyValues

    package init(id: String, objectWriteTraceId: String, properties: PropertyValues) {
        self.id = id
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
    }
}

extension UpdateInput: BatchWriteInput {
    func writeKey(_ json: inout JSONWriter) {
        json.key("id")
        json.string(id)
        json.raw(",")
    }
}
