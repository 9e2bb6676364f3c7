import LeadSyncSupport

/// A HubSpot contact as read or written.
package struct Contact: Sendable, Hashable {
    /// The record id, a numeric string.
    package var id: String
    /// Property values. HubSpot sends every value as a string; a requested property without a
    /// value is either omitted or `null` depending on the endpoint, and both end up absent here.
    package var properties: [String: String]
    package var createdAt: String?
    package var updatedAt: String?
    package var archived: Bool
    /// Upsert only: true when this call created the contact.
    package var new: Bool?
    /// The trace id of the input this result answers, when HubSpot echoes it.
    package var objectWriteTraceId: String?

    package init(
        id: String, properties: [String: String], createdAt: String? = nil, updatedAt: String? = nil,
        archived: Bool = false, new: Bool? = nil, objectWriteTraceId: String? = nil
    ) {
        self.id = id
        self.properties = properties
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archived = archived
        self.new = new
        self.objectWriteTraceId = objectWriteTraceId
    }
}

extension Contact {
    /// Reads one record of an answer (contacts and notes share the shape) token by token: batch
    /// answers are the drain's hot path, and this costs a fraction of `JSONDecoder`. HubSpot
    /// sends every property value as a string; a number or boolean is kept as its text and
    /// `null` as absent. Of the properties, only those named in `keeping` are read when it is
    /// given: a write's caller needs few or none, and reading every echoed value into the
    /// dictionary was most of reading a write's answer.
    init(reading json: inout JSONParser, keeping: [String]? = nil) throws {
        var id: String?
        var properties: [String: String] = [:]
        var createdAt: String?
        var updatedAt: String?
        var archived = false
        var new: Bool?
        var objectWriteTraceId: String?
        try JSONParser.readObject(&json, "a record") { key, json in
            switch key {
            case "id": id = try json.readValue().scalarText
            case "properties":
                try JSONParser.readObject(&json, "`properties`") { name, json in
                    guard keeping?.contains(name) ?? true else { return try json.skipValue() }
                    let value = try json.readValue()
                    if let text = value.scalarText {
                        properties[name] = text
                    } else if value != .null {
                        throw UnreadableAnswer("property `\(name)` is not a string")
                    }
                }
            case "createdAt": createdAt = try json.readValue().scalarText
            case "updatedAt": updatedAt = try json.readValue().scalarText
            case "archived": archived = try json.readValue() == .bool(true)
            case "new": if case .bool(let flag) = try json.readValue() { new = flag }
            case "objectWriteTraceId": objectWriteTraceId = try json.readValue().scalarText
            default: _ = try json.readValue()
            }
        }
        guard let id else { throw UnreadableAnswer("a record without an `id`") }
        self.init(
            id: id, properties: properties, createdAt: createdAt, updatedAt: updatedAt, archived: archived, new: new,
            objectWriteTraceId: objectWriteTraceId)
    }
}
