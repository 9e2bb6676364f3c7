import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Notes: associations, search, merges, faults, control API")
struct NoteAssociationTests {
    private func send(
        _ harness: SimulatorHarness, _ client: LoopbackHTTPClient, _ path: String, _ body: Any? = nil,
        method: String = "POST"
    ) throws -> LoopbackHTTPClient.Response {
        try client.json(method, path, token: harness.token, body: body)
    }

    private func created(_ answer: LoopbackHTTPClient.Response) -> [String] {
        ContactInputs.results(answer.json).compactMap { $0["id"] as? String }
    }

    @Test func associateAfterTheFactSingleAndBatchAndPageAContactsNotes() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let contacts = harness.simulator.seedContacts([["email": "a@example.com"], ["email": "b@example.com"]])
        let ids = created(
            try send(
                harness, client, NoteInputs.notes + "/batch/create",
                ContactInputs.batch([
                    NoteInputs.create("one", contacts: []), NoteInputs.create("two", contacts: []),
                    NoteInputs.create("three", contacts: []),
                ]))
        ).sorted()
        #expect(ids.count == 3)

        let single = try send(
            harness, client, "/crm/v4/objects/notes/\(ids[0])/associations/default/contacts/\(contacts[0])",
            method: "PUT")
        #expect(single.status == 200)
        let spec = ContactInputs.results(single.json).first?["associationSpec"] as? [String: Any]
        #expect(spec?["associationTypeId"] as? Int == 202)
        #expect(
            try send(
                harness, client, "/crm/objects/2026-03/notes/\(ids[1])/associations/default/contacts/\(contacts[0])",
                method: "PUT"
            ).status == 200)
        #expect(
            try send(
                harness, client, "/crm/v4/objects/notes/\(ids[1])/associations/default/contacts/999", method: "PUT"
            ).status == 404)

        let batch = try send(
            harness, client, "/crm/associations/2026-03/notes/contacts/batch/associate/default",
            [
                "inputs": [
                    ["from": ["id": ids[2]], "to": ["id": contacts[0]]],
                    ["from": ["id": ids[2]], "to": ["id": contacts[1]]],
                    ["from": ["id": "90000999999"], "to": ["id": contacts[1]]],
                ]
            ])
        #expect(batch.status == 207)
        #expect(ContactInputs.results(batch.json).count == 2)
        #expect(ContactInputs.context(ContactInputs.errors(batch.json)[0])["ids"] == ["90000999999"])
        #expect(
            try send(
                harness, client, "/crm/v4/associations/notes/contacts/batch/associate/default",
                [
                    "inputs": [
                        ["from": ["id": ids[2]], "to": ["id": contacts[1]]]
                    ]
                ]
            ).status == 200)
        #expect(
            harness.simulator.note(id: ids[2])?.contactIds == [contacts[0], contacts[1]],
            "associating twice adds nothing")

        var seen: [String] = []
        var after: String?
        for _ in 0..<5 {
            let page = try send(
                harness, client,
                "/crm/v4/objects/contacts/\(contacts[0])/associations/notes?limit=2"
                    + (after.map { "&after=\($0)" } ?? ""), method: "GET")
            seen += ContactInputs.results(page.json).compactMap { ($0["toObjectId"] as? NSNumber)?.stringValue }
            after = ((page.json["paging"] as? [String: Any])?["next"] as? [String: Any])?["after"] as? String
            if after == nil { break }
        }
        #expect(seen == ids)
        #expect(
            try send(harness, client, "/crm/v4/objects/contacts/31337/associations/notes", method: "GET").status == 404)
    }

    @Test func mergedContactsKeepTheirNotesOnTheSurvivor() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let contacts = harness.simulator.seedContacts([["email": "p@example.com"], ["email": "s@example.com"]])
        let ids = created(
            try send(
                harness, client, NoteInputs.notes + "/batch/create",
                ContactInputs.batch([
                    NoteInputs.create("primary's", contacts: [contacts[0]]),
                    NoteInputs.create("secondary's", contacts: [contacts[1]]),
                ])))
        let merged = try send(
            harness, client, ContactInputs.contacts + "/merge",
            ["primaryObjectId": contacts[0], "objectIdToMerge": contacts[1]])
        let survivor = try #require(merged.json["id"] as? String)
        #expect(Set(harness.simulator.notes(contactId: survivor).map(\.id)) == Set(ids))
        #expect(harness.simulator.notes().allSatisfy { $0.contactIds == [survivor] })
        let byOldId = try send(
            harness, client, "/crm/objects/2026-03/contacts/\(contacts[1])/associations/notes", method: "GET")
        #expect(
            Set(ContactInputs.results(byOldId.json).compactMap { ($0["toObjectId"] as? NSNumber)?.stringValue })
                == Set(ids))
        #expect(harness.simulator.notesByContactEmail()["p@example.com"]?.count == 2)
    }

    @Test func searchFiltersByAssociatedContactAndLagsBehindCreates() throws {
        let harness = try SimulatorHarness { $0.searchIndexLagMilliseconds = 3000 }
        defer { harness.stop() }
        let client = harness.client()
        let contacts = harness.simulator.seedContacts([["email": "x@example.com"], ["email": "y@example.com"]])
        _ = try send(
            harness, client, NoteInputs.notes + "/batch/create",
            ContactInputs.batch([
                NoteInputs.create("for x", contacts: [contacts[0]]),
                NoteInputs.create("for y", contacts: [contacts[1]]),
            ]))
        let query: [String: Any] = [
            "filterGroups": [
                ["filters": [["propertyName": "associations.contact", "operator": "EQ", "value": contacts[0]]]]
            ],
            "properties": ["hs_note_body"],
        ]
        let early = try send(harness, client, NoteInputs.versioned + "/search", query)
        #expect(early.status == 200)
        #expect(early.json["total"] as? Int == 0, "notes reach search after the index lag")
        harness.clock.advance(seconds: 3)
        let found = try send(harness, client, NoteInputs.notes + "/search", query)
        #expect(found.json["total"] as? Int == 1)
        #expect(ContactInputs.properties(ContactInputs.results(found.json)[0])["hs_note_body"] == "for x")
        #expect(found.header("X-HubSpot-RateLimit-Max") == nil, "search answers carry no rate-limit headers")
    }

    @Test func notesShareAuthRateLimitsAndRequestCounting() throws {
        let harness = try SimulatorHarness { $0.rateLimit = .init(max: 2, intervalMilliseconds: 10_000) }
        defer { harness.stop() }
        let client = harness.client()
        #expect(
            try client.json("POST", NoteInputs.notes + "/batch/read", body: ["inputs": [[String: Any]]()]).status == 401
        )
        let first = try send(harness, client, ContactInputs.contacts, method: "GET")
        #expect(first.status == 200)
        let second = try send(harness, client, NoteInputs.notes + "/batch/read", ["inputs": [[String: Any]]()])
        #expect(second.status == 200)
        #expect(second.header("X-HubSpot-RateLimit-Remaining") == "0")
        let third = try send(harness, client, NoteInputs.notes + "/batch/update", ["inputs": [[String: Any]]()])
        #expect(third.status == 429)
        #expect(third.json["policyName"] as? String == "TEN_SECONDLY_ROLLING")
        let counters = harness.simulator.counters()
        #expect(counters.count("notes.batch.read") == 2)
        #expect(counters.count("notes.batch.update", status: 429) == 1)
        #expect(counters.rateLimited == 1)
    }

    @Test func applyThenDropWritesTheNoteAndAnswersNothing() throws {
        let harness = try SimulatorHarness { $0.faults.applyThenDropRate = 1 }
        defer { harness.stop() }
        let contact = harness.simulator.seedContacts([["email": "d@example.com"]])[0]
        #expect(throws: LoopbackHTTPClient.Failure.closed) {
            try send(
                harness, harness.client(), NoteInputs.notes + "/batch/create",
                ContactInputs.batch([NoteInputs.create("lost answer", contacts: [contact])]))
        }
        #expect(harness.simulator.notes(contactId: contact).map { $0.properties["hs_note_body"] } == ["lost answer"])
        let read = try send(
            harness, harness.client(), "/crm/v4/objects/contacts/\(contact)/associations/notes", method: "GET")
        #expect(read.status == 200, "reads are never dropped by this fault")
        let counters = harness.simulator.counters()
        #expect(counters.appliedThenDropped == 1)
        #expect(counters.count("notes.batch.create", status: 0) == 1)
    }

    @Test func applyThenDropIsASeededShareOfWrites() throws {
        func dropped(seed: UInt64) throws -> [Bool] {
            let harness = try SimulatorHarness {
                $0.rateLimit = nil
                $0.seed = seed
                $0.faults.applyThenDropRate = 0.3
            }
            defer { harness.stop() }
            let contact = harness.simulator.seedContacts([["email": "r@example.com"]])[0]
            return try (0..<40).map { index in
                do {
                    _ = try send(
                        harness, harness.client(), NoteInputs.notes + "/batch/create",
                        ContactInputs.batch([NoteInputs.create("n\(index)", contacts: [contact])]))
                    return false
                } catch LoopbackHTTPClient.Failure.closed {
                    #expect(harness.simulator.notes().count == index + 1, "a dropped write is applied")
                    return true
                }
            }
        }
        let first = try dropped(seed: 7)
        #expect(try dropped(seed: 7) == first)
        #expect((4...20).contains(first.filter { $0 }.count), "about 30 % of 40: \(first.filter { $0 }.count)")
    }

    @Test func controlAPIListsNotesPerContactDeletesAndConfigures() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let contacts = harness.simulator.seedContacts([["email": "c1@example.com"], ["email": "c2@example.com"]])
        let ids = created(
            try send(
                harness, client, NoteInputs.notes + "/batch/create",
                ContactInputs.batch([
                    NoteInputs.create("n1", contacts: [contacts[0]]), NoteInputs.create("n2", contacts: [contacts[1]]),
                ]))
        ).sorted()
        let all = try client.json("GET", "/_sim/notes")
        let listed = try #require(all.json["notes"] as? [[String: Any]])
        #expect(listed.compactMap { $0["id"] as? String } == ids)
        #expect(listed.first?["contactIds"] as? [String] == [contacts[0]])
        #expect(ContactInputs.properties(listed[0])["hs_timestamp"] == "2026-11-28T10:15:00.000Z")
        let ofSecond = try client.json("GET", "/_sim/contacts/\(contacts[1])/notes")
        #expect((ofSecond.json["notes"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [ids[1]])
        #expect(try client.json("DELETE", "/_sim/notes/\(ids[1])").status == 204)
        #expect(try client.json("DELETE", "/_sim/notes/\(ids[1])").status == 404)
        #expect(harness.simulator.note(id: ids[1])?.archived == true)

        let configured = try client.json(
            "POST", "/_sim/config", body: ["allowUniqueNoteProperties": true, "faults": ["applyThenDropRate": 0.05]])
        #expect(configured.status == 200)
        #expect(harness.simulator.configuration.allowUniqueNoteProperties)
        #expect(harness.simulator.configuration.faults.applyThenDropRate == 0.05)
        let counters = try client.json("GET", "/_sim/counters").json
        #expect(counters["notesCreated"] as? Int == 2)
        #expect(counters["notesUpdated"] as? Int == 0)
        #expect(counters["appliedThenDropped"] as? Int == 0)
    }
}
