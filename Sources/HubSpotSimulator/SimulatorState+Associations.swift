import LeadSyncSupport

/// Note ↔ contact associations (v4 and 2026-03, SPEC-ASSOC): a contact's notes, and associating
/// a note with a contact by the default type, one at a time or in a batch.
extension SimulatorState {
    static let associationPageLimit = 500

    /// `GET …/contacts/{id}/associations/notes`: the contact's live notes in association order,
    /// `limit` (default and maximum 500) per page, `after` = the position of the next one.
    func contactNotes(_ id: String, _ context: RequestContext) -> SimResponse {
        guard let contact = store.resolve(id) else { return notFound(id, context.correlation) }
        let limit = min(
            max(context.request.queryValue("limit").flatMap { Int($0) } ?? Self.associationPageLimit, 1),
            Self.associationPageLimit)
        let offset = context.request.queryValue("after").flatMap { Int($0) } ?? 0
        let ids = notes.notes(ofContact: contact)
        let page = ids.dropFirst(offset).prefix(limit)
        var members: [(String, JSONValue)] = [
            (
                "results",
                .array(
                    page.map { note in
                        [
                            "toObjectId": .int(Int(note)),
                            "associationTypes": [
                                ["category": "HUBSPOT_DEFINED", "typeId": .int(Self.contactToNoteType), "label": .null]
                            ],
                        ]
                    })
            )
        ]
        if offset + page.count < ids.count {
            let next = String(offset + page.count)
            members.append(
                ("paging", ["next": ["after": .string(next), "link": .string("?after=\(next)&limit=\(limit)")]]))
        }
        return SimResponse(status: 200, json: .object(members))
    }

    /// One `PublicDefaultAssociation` result: note → contact, type 202.
    private static func defaultAssociation(note: Int64, contact: Int64) -> JSONValue {
        [
            "from": ["id": .string(String(note))], "to": ["id": .string(String(contact))],
            "associationSpec": [
                "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": .int(noteToContactType),
            ],
        ]
    }

    /// `PUT …/notes/{id}/associations/default/contacts/{contactId}` → 200 with a batch envelope.
    mutating func associateNote(_ note: String, contact: String, _ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        guard let noteId = notes.resolve(note) else { return notFound(note, context.correlation) }
        guard let contactId = store.resolve(contact) else { return notFound(contact, context.correlation) }
        notes.associate(noteId, contact: contactId)
        return batchAnswer(
            results: [Self.defaultAssociation(note: noteId, contact: contactId)], errors: [], now: context.now,
            successStatus: 200)
    }

    /// `POST …/associations/notes/contacts/batch/associate/default` with
    /// `{"inputs":[{"from":{"id"},"to":{"id"}}]}` → 200 (HubSpot moved it from 201 in 2025), or
    /// 207 with an `OBJECT_NOT_FOUND` entry per input naming an unknown note or contact.
    mutating func batchAssociateNotes(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        var results: [JSONValue] = []
        var errors: [JSONValue] = []
        for input in inputs {
            let note = input["from"]?["id"]?.propertyString ?? ""
            let contact = input["to"]?["id"]?.propertyString ?? ""
            guard let noteId = notes.resolve(note), let contactId = store.resolve(contact) else {
                let unknown = notes.resolve(note) == nil ? ("NOTE", note) : ("CONTACT", contact)
                errors.append(
                    SimResponse.errorBody(
                        category: "OBJECT_NOT_FOUND", message: "No \(unknown.0) with id \(unknown.1) exists.",
                        context: [("ids", [unknown.1])]))
                continue
            }
            notes.associate(noteId, contact: contactId)
            results.append(Self.defaultAssociation(note: noteId, contact: contactId))
        }
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }
}
