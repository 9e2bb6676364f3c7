import Foundation

/// One input of a batch note create: a note on a contact's timeline.
package struct NoteCreateInput: Sendable, Hashable {
    /// Unique within the batch: results and errors are matched by it (HubSpot answers in any order).
    package var objectWriteTraceId: String
    /// `hs_timestamp`, `hs_note_body` and, in unique-key mode, the note's key property.
    package var properties: PropertyValues
    /// The contact the note is associated with (type 202, note → contact).
    package var contactId: String

    package init(objectWriteTraceId: String, properties: PropertyValues, contactId: String) {
        self.objectWriteTraceId = objectWriteTraceId
        self.properties = properties
        self.contactId = contactId
    }
}

extension NoteCreateInput: BatchWriteInput {
    /// The association to the contact, after the properties.
    func writeTrailer(_ json: inout JSONWriter) {
        json.raw(",\"associations\":[{\"to\":{\"id\":")
        json.string(contactId)
        json.raw("},\"types\":[{\"associationCategory\":\"HUBSPOT_DEFINED\",\"associationTypeId\":")
        json.integer(HubSpotClient.noteToContactAssociationType)
        json.raw("}]}]")
    }
}

/// One page of the notes associated with a contact.
package struct AssociatedIdPage: Sendable, Equatable {
    package var ids: [String]
    /// The cursor of the next page; nil on the last page.
    package var nextAfter: String?

    package init(ids: [String], nextAfter: String?) {
        self.ids = ids
        self.nextAfter = nextAfter
    }
}

/// Notes (HubSpot's engagement object) carry conversations to a contact's timeline. Records come
/// back in the same shape as contacts (`id`, `properties`, times), so the batch calls share
/// ``BatchResult``.
extension HubSpotClient {
    /// HubSpot-defined association type of a note to a contact.
    package static let noteToContactAssociationType = 202

    /// Creates notes, each associated with its contact. At most 100 inputs. Not idempotent:
    /// sending the same input twice makes two notes (see docs/conversations.md for how leadsync
    /// avoids that).
    package func batchCreateNotes(_ inputs: [NoteCreateInput]) async throws -> HubSpotResponse<BatchResult> {
        return try await batch(
            http.version.notes + "/batch/create", Self.writeBody(inputs), operation: "notes.batch.create",
            freshConnection: true)
    }

    /// Updates notes by record id. At most 100 inputs. A note deleted in HubSpot comes back as a
    /// per-input `OBJECT_NOT_FOUND` error naming its id.
    package func batchUpdateNotes(_ inputs: [UpdateInput]) async throws -> HubSpotResponse<BatchResult> {
        try await batch(http.version.notes + "/batch/update", Self.writeBody(inputs), operation: "notes.batch.update")
    }

    /// Reads notes by record id, or by a unique-value note property (`idProperty`).
    package func batchReadNotes(ids: [String], idProperty: String? = nil, properties: [String]) async throws
        -> HubSpotResponse<BatchResult>
    {
        let body = Self.readBody(ids: ids, idProperty: idProperty, properties: properties)
        return try await batch(http.version.notes + "/batch/read", body, operation: "notes.batch.read")
    }

    /// One page (up to 500) of the ids of the notes associated with a contact.
    package func contactNoteIds(contactId: String, after: String? = nil) async throws -> HubSpotResponse<
        AssociatedIdPage
    > {
        var query = [("limit", "500")]
        if let after { query.append(("after", after)) }
        let path = http.version.contactNotes(contactId: HubSpotHTTP.percentEncode(contactId))
        let response = try await authorized(
            http.request(.get, path, query: query), operation: "contacts.associations.notes")
        let page = try http.decode(WireAssociationPage.self, from: response, operation: "contacts.associations.notes")
        return http.wrap(
            AssociatedIdPage(ids: page.results.map(\.toObjectId.text), nextAfter: page.paging?.next?.after), response)
    }

    /// Creates a custom note property (group `notes` unless given). With `hasUniqueValue`, HubSpot
    /// may refuse it: whether apps can create unique-value note properties is unverified.
    package func createNoteProperty(
        name: String, label: String, type: String = "string", fieldType: String = "text", groupName: String = "notes",
        hasUniqueValue: Bool = false
    ) async throws -> HubSpotResponse<PropertyDefinition> {
        try await createProperty(
            at: http.version.noteProperties, name: name, label: label, type: type, fieldType: fieldType,
            groupName: groupName, options: [], hasUniqueValue: hasUniqueValue)
    }
}

/// The associations API's page: `{"results":[{"toObjectId":9001,"associationTypes":[…]}],"paging":…}`.
struct WireAssociationPage: Decodable {
    struct Item: Decodable { var toObjectId: LenientId }
    var results: [Item]
    var paging: WirePaging?
}

/// A record id sent as a JSON number (associations v4) or a string (everywhere else).
struct LenientId: Decodable {
    var text: String

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            text = String(number)
        } else {
            text = try container.decode(String.self)
        }
    }
}
