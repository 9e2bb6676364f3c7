import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Notes: create, update, upsert, read, archive")
struct NoteTests {
    let harness: SimulatorHarness
    let client: LoopbackHTTPClient

    init() throws {
        harness = try SimulatorHarness()
        client = harness.client()
    }

    private func send(_ path: String, _ body: Any? = nil, method: String = "POST") throws -> LoopbackHTTPClient.Response
    {
        try client.json(method, path, token: harness.token, body: body)
    }

    private func noteId(_ answer: LoopbackHTTPClient.Response) throws -> String {
        try #require(ContactInputs.results(answer.json).first?["id"] as? String, "\(answer)")
    }

    @Test func batchCreateAssociatesTheContactAndBothGenerationsServeIt() throws {
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "ada@example.com"]])[0]
        let created = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create("<p>Hi &amp; bye</p>", contacts: [contact], trace: "c-77")
            ]))
        #expect(created.status == 201)
        let result = try #require(ContactInputs.results(created.json).first)
        let id = try #require(result["id"] as? String)
        #expect(result["objectWriteTraceId"] as? String == "c-77")
        let properties = ContactInputs.properties(result)
        #expect(properties["hs_note_body"] == "<p>Hi &amp; bye</p>")
        #expect(properties["hs_timestamp"] == "2026-11-28T10:15:00.000Z")
        #expect(properties["hs_object_id"] == id)
        #expect(Int64(id)! > 90_000_000_000, "note ids are apart from contact ids")

        let read = try send(
            NoteInputs.versioned + "/batch/read", ["properties": ["hs_note_body"], "inputs": [["id": id]]])
        #expect(read.status == 200)
        #expect(ContactInputs.properties(ContactInputs.results(read.json)[0])["hs_note_body"] == "<p>Hi &amp; bye</p>")

        for path in [
            "/crm/v4/objects/contacts/\(contact)/associations/notes",
            "/crm/objects/2026-03/contacts/\(contact)/associations/notes",
        ] {
            let listed = try send(path, method: "GET")
            #expect(listed.status == 200, "\(path): \(listed)")
            let entries = ContactInputs.results(listed.json)
            #expect(entries.count == 1)
            #expect((entries.first?["toObjectId"] as? NSNumber)?.stringValue == id)
            let type = (entries.first?["associationTypes"] as? [[String: Any]])?.first
            #expect(type?["typeId"] as? Int == 201)
            #expect(type?["category"] as? String == "HUBSPOT_DEFINED")
        }
        let stored = harness.simulator.notes(contactId: contact)
        #expect(stored.map(\.id) == [id])
        #expect(stored.first?.contactIds == [contact])
        let counters = harness.simulator.counters()
        #expect(counters.notesCreated == 1)
        #expect(counters.count("notes.batch.create", status: 201) == 1)
        #expect(counters.count("associations.notes.list", status: 200) == 2)
        #expect(counters.recordsReceived == 1)
    }

    @Test func createRequiresTimestampAndAssociationsAndLimitsTheBody() throws {
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "t@example.com"]])[0]
        let untimed = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([NoteInputs.create("x", contacts: [contact], timestamp: nil)]))
        #expect(untimed.status == 400)
        #expect(untimed.json["category"] as? String == "VALIDATION_ERROR")
        #expect(untimed.json["message"] as? String == "Error creating NOTE.  Some required properties were not set.")
        #expect(ContactInputs.context(untimed.json)["properties"] == ["hs_timestamp"])

        let limit = PropertyLimit.noteBody
        let tooLong = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create(String(repeating: "é", count: limit + 1), contacts: [contact])
            ]))
        #expect(tooLong.status == 400)
        #expect((tooLong.json["message"] as? String)?.contains("INVALID_STRING_LENGTH") == true)
        let atLimit = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create(String(repeating: "é", count: limit), contacts: [contact])
            ]))
        #expect(atLimit.status == 201)

        var unassociated = NoteInputs.create("x", contacts: [contact])
        unassociated["associations"] = nil
        let missing = try send(NoteInputs.notes + "/batch/create", ContactInputs.batch([unassociated]))
        #expect(missing.status == 400)
        #expect(missing.json["category"] == nil)

        var wrongType = NoteInputs.create("x", contacts: [contact])
        wrongType["associations"] = [
            ["to": ["id": contact], "types": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1]]]
        ]
        #expect(try send(NoteInputs.notes + "/batch/create", ContactInputs.batch([wrongType])).status == 400)
        #expect(harness.simulator.notes().count == 1)
    }

    @Test func anUnknownContactFailsItsInputOnlyOrTheSingleInputRequest() throws {
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "k@example.com"]])[0]
        let single = try send(
            NoteInputs.notes + "/batch/create", ContactInputs.batch([NoteInputs.create("x", contacts: ["4242"])]))
        #expect(single.status == 400)
        #expect(single.json["category"] as? String == "OBJECT_NOT_FOUND")
        #expect(ContactInputs.context(single.json)["ids"] == ["4242"])

        let mixed = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create("kept", contacts: [contact]), NoteInputs.create("lost", contacts: ["4242"]),
            ]))
        #expect(mixed.status == 207)
        #expect(ContactInputs.results(mixed.json).count == 1)
        #expect(ContactInputs.context(ContactInputs.errors(mixed.json)[0])["ids"] == ["4242"])
        #expect(harness.simulator.notes().map { $0.properties["hs_note_body"] } == ["kept"])
    }

    @Test func updateRewritesTheBodyAndAGoneNoteIsAPerInputNotFound() throws {
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "u@example.com"]])[0]
        let first = try noteId(
            send(
                NoteInputs.notes + "/batch/create", ContactInputs.batch([NoteInputs.create("one", contacts: [contact])])
            ))
        let second = try noteId(
            send(
                NoteInputs.notes + "/batch/create", ContactInputs.batch([NoteInputs.create("two", contacts: [contact])])
            ))
        let before = try #require(harness.simulator.note(id: first)).updatedAtMilliseconds
        harness.clock.advance(seconds: 5)

        let updated = try send(
            NoteInputs.versioned + "/batch/update",
            ["inputs": [["id": first, "properties": ["hs_note_body": "one, two"]]]])
        #expect(updated.status == 200)
        #expect(ContactInputs.properties(ContactInputs.results(updated.json)[0])["hs_note_body"] == "one, two")
        #expect(try #require(harness.simulator.note(id: first)).updatedAtMilliseconds == before + 5000)

        #expect(harness.simulator.deleteNote(id: second))
        let gone = try send(
            NoteInputs.notes + "/batch/update",
            [
                "inputs": [
                    ["id": first, "properties": ["hs_note_body": "three"]],
                    ["id": second, "properties": ["hs_note_body": "never"], "objectWriteTraceId": "c-2"],
                ]
            ])
        #expect(gone.status == 207)
        let error = ContactInputs.errors(gone.json)[0]
        #expect(error["category"] as? String == "OBJECT_NOT_FOUND")
        #expect(ContactInputs.context(error)["ids"] == [second])
        #expect(ContactInputs.context(error)["objectWriteTraceId"] == ["c-2"])
        #expect(harness.simulator.note(id: second)?.properties["hs_note_body"] == "two")
        #expect(harness.simulator.counters().notesUpdated == 2)
    }

    @Test func uniqueNotePropertiesAreRefusedByDefaultAndKeyUpsertsWhenAllowed() throws {
        defer { harness.stop() }
        let definition: [String: Any] = [
            "name": "conversation_key", "label": "Conversation", "type": "string", "fieldType": "text",
            "hasUniqueValue": true,
        ]
        let refused = try send("/crm/v3/properties/notes", definition)
        #expect(refused.status == 400)
        #expect(refused.json["category"] as? String == "VALIDATION_ERROR")
        #expect((refused.json["message"] as? String)?.contains("hasUniqueValue") == true)
        #expect(try send("/crm/v3/properties/notes/conversation_key", method: "GET").status == 404)
        let plain = try send("/crm/v3/properties/notes", ["name": "plain_key", "type": "string", "fieldType": "text"])
        #expect(plain.status == 201)
        let byPlain = try send(
            NoteInputs.notes + "/batch/upsert",
            [
                "inputs": [
                    ["id": "c-1", "idProperty": "plain_key", "properties": ["hs_timestamp": NoteInputs.timestamp]]
                ]
            ])
        #expect(byPlain.status == 400)
        #expect((byPlain.json["message"] as? String)?.contains("non-unique 0-46 property plain_key") == true)

        harness.simulator.updateConfiguration { $0.allowUniqueNoteProperties = true }
        #expect(try send("/crm/properties/2026-03/notes", definition).status == 201)
        let contact = harness.simulator.seedContacts([["email": "q@example.com"]])[0]
        let id = try noteId(
            send(
                NoteInputs.notes + "/batch/create",
                ContactInputs.batch([
                    NoteInputs.create("first", contacts: [contact], extra: ["conversation_key": "c-1"])
                ])))
        let again = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create("again", contacts: [contact], extra: ["conversation_key": "c-1"])
            ]))
        #expect(again.status == 409)
        #expect(again.json["category"] as? String == "CONFLICT")
        #expect(again.json["message"] as? String == "Note already exists. Existing ID: \(id)")

        let upserted = try send(
            NoteInputs.notes + "/batch/upsert",
            [
                "inputs": [
                    ["id": "c-1", "idProperty": "conversation_key", "properties": ["hs_note_body": "first, grown"]],
                    [
                        "id": "c-2", "idProperty": "conversation_key",
                        "properties": ["hs_note_body": "new", "hs_timestamp": NoteInputs.timestamp],
                    ],
                ]
            ])
        #expect(upserted.status == 200)
        let results = ContactInputs.results(upserted.json)
        #expect(results.first { $0["id"] as? String == id }?["new"] as? Bool == false)
        #expect(results.first { $0["id"] as? String != id }?["new"] as? Bool == true)
        #expect(harness.simulator.note(id: id)?.properties["hs_note_body"] == "first, grown")
        #expect(harness.simulator.notes(contactId: contact).count == 1, "an upsert carries no associations")

        let read = try send(
            NoteInputs.notes + "/batch/read",
            [
                "idProperty": "conversation_key", "properties": ["hs_note_body"],
                "inputs": [["id": "c-1"], ["id": "c-9"]],
            ])
        #expect(read.status == 207)
        #expect(ContactInputs.results(read.json).first?["id"] as? String == id)
        #expect(ContactInputs.context(ContactInputs.errors(read.json)[0])["ids"] == ["c-9"])
    }

    @Test func singleDeleteAndBatchArchiveMakeNotesGone() throws {
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "g@example.com"]])[0]
        let created = try send(
            NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create("a", contacts: [contact]), NoteInputs.create("b", contacts: [contact]),
            ]))
        let ids = ContactInputs.results(created.json).compactMap { $0["id"] as? String }.sorted()
        #expect(
            try send(NoteInputs.notes + "/\(ids[0])?properties=hs_note_body&associations=contacts", method: "GET")
                .status == 200)
        #expect(try send(NoteInputs.notes + "/\(ids[0])", method: "DELETE").status == 204)
        #expect(try send(NoteInputs.notes + "/\(ids[0])", method: "GET").status == 404)
        #expect(try send(NoteInputs.versioned + "/batch/archive", ["inputs": [["id": ids[1]]]]).status == 204)
        let read = try send(NoteInputs.notes + "/batch/read", ["inputs": ids.map { ["id": $0] }])
        #expect(read.status == 207)
        #expect(ContactInputs.results(read.json).isEmpty)
        let archived = try send(NoteInputs.notes + "/batch/read?archived=true", ["inputs": ids.map { ["id": $0] }])
        #expect(ContactInputs.results(archived.json).count == 2)
        #expect(harness.simulator.notes(contactId: contact).isEmpty)
        #expect(
            ContactInputs.results(
                try send("/crm/v4/objects/contacts/\(contact)/associations/notes", method: "GET").json
            ).isEmpty)
    }

    @Test func singleCreateGetAndPatch() throws {
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "s@example.com"]])[0]
        let created = try send(NoteInputs.notes, NoteInputs.create("single", contacts: [contact]))
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        let fetched = try send(
            NoteInputs.versioned + "/\(id)?properties=hs_note_body&associations=contacts", method: "GET")
        #expect(ContactInputs.properties(fetched.json)["hs_note_body"] == "single")
        let associated =
            ((fetched.json["associations"] as? [String: Any])?["contacts"] as? [String: Any])?["results"]
            as? [[String: Any]]
        #expect(associated?.first?["id"] as? String == contact)
        #expect(associated?.first?["type"] as? String == "note_to_contact")
        let patched = try send(
            NoteInputs.notes + "/\(id)", ["properties": ["hs_note_body": "patched"]], method: "PATCH")
        #expect(patched.status == 200)
        #expect(harness.simulator.note(id: id)?.properties["hs_note_body"] == "patched")
        #expect(
            try send(NoteInputs.notes + "/77", ["properties": ["hs_note_body": "x"]], method: "PATCH").status == 404)
    }
}

/// HubSpot's documented limit of `hs_note_body` (DOC-NOTES), in characters.
enum PropertyLimit {
    static let noteBody = 65_536
}
