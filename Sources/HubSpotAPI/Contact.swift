/// A HubSpot contact as read or written.
package struct Contact: Sendable, Hashable, Decodable {
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

    enum CodingKeys: String, CodingKey {
        case id, properties, createdAt, updatedAt, archived, new, objectWriteTraceId
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        let raw = try container.decodeIfPresent([String: String?].self, forKey: .properties) ?? [:]
        properties = raw.compactMapValues { $0 }
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt)
        updatedAt = try container.decodeIfPresent(String.self, forKey: .updatedAt)
        archived = try container.decodeIfPresent(Bool.self, forKey: .archived) ?? false
        new = try container.decodeIfPresent(Bool.self, forKey: .new)
        objectWriteTraceId = try container.decodeIfPresent(String.self, forKey: .objectWriteTraceId)
    }
}
