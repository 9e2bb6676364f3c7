import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Batch create, update, read and archive")
struct BatchCreateUpdateReadTests {
    let harness: SimulatorHarness
    let client: LoopbackHTTPClient

    init() throws {
        harness = try SimulatorHarness()
        client = harness.client()
    }

    private func post(_ path: String, _ body: [String: Any]) throws -> LoopbackHTTPClient.Response {
        try client.json("POST", ContactInputs.contacts + path, token: harness.token, body: body)
    }

    @Test func createAnswers201AndConflictNamesTheExistingId() throws {
        defer { harness.stop() }
        let created = try post(
            "/batch/create", ["inputs": [["properties": ["email": "c@example.com"], "associations": [Any]()]]])
        #expect(created.status == 201)
        let id = try #require(ContactInputs.results(created.json).first?["id"] as? String)

        let conflict = try post(
            "/batch/create",
            [
                "inputs": [
                    ["properties": ["email": "fresh@example.com"]], ["properties": ["email": "C@example.com"]],
                ]
            ])
        #expect(conflict.status == 409)
        #expect(conflict.json["category"] as? String == "CONFLICT")
        #expect(conflict.json["message"] as? String == "Contact already exists. Existing ID: \(id)")
        #expect(harness.simulator.contact(email: "fresh@example.com") == nil)

        let traced = try post(
            "/batch/create",
            [
                "inputs": [
                    ["properties": ["email": "fresh@example.com"], "objectWriteTraceId": "a"],
                    ["properties": ["email": "c@example.com"], "objectWriteTraceId": "b"],
                ]
            ])
        #expect(traced.status == 207)
        let error = ContactInputs.errors(traced.json)[0]
        #expect(error["category"] as? String == "CONFLICT")
        #expect(ContactInputs.context(error)["objectWriteTraceId"] == ["b"])
        #expect(harness.simulator.contact(email: "fresh@example.com") != nil)
    }

    @Test func updateByIdReportsMissingIdsIn207() throws {
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([["email": "u@example.com"]])
        let answer = try post(
            "/batch/update",
            [
                "inputs": [
                    ["id": ids[0], "properties": ["firstname": "Una"]],
                    ["id": "999999", "properties": ["firstname": "Nobody"], "objectWriteTraceId": "t-9"],
                ]
            ])
        #expect(answer.status == 207)
        #expect(ContactInputs.results(answer.json).count == 1)
        let error = ContactInputs.errors(answer.json)[0]
        #expect(error["category"] as? String == "OBJECT_NOT_FOUND")
        #expect(ContactInputs.context(error)["ids"] == ["999999"])
        #expect(ContactInputs.context(error)["objectWriteTraceId"] == ["t-9"])
        #expect(harness.simulator.contact(id: ids[0])?.properties["firstname"] == "Una")

        let byEmail = try post(
            "/batch/update",
            ["inputs": [["id": "u@example.com", "idProperty": "email", "properties": ["firstname": "X"]]]])
        #expect(byEmail.status == 400)
        #expect((byEmail.json["message"] as? String)?.contains("non-unique 0-1 property email") == true)
    }

    @Test func readByIdAndByEmailWith207ForMissing() throws {
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([
            ["email": "r1@example.com", "company": "Acme"], ["email": "r2@example.com"],
        ])
        let byId = try post("/batch/read", ["properties": ["company"], "inputs": [["id": ids[0]], ["id": ids[1]]]])
        #expect(byId.status == 200)
        #expect(Set(ContactInputs.results(byId.json).compactMap { $0["id"] as? String }) == Set(ids))
        let first = ContactInputs.results(byId.json).first { $0["id"] as? String == ids[0] }!
        #expect(ContactInputs.properties(first)["company"] == "Acme")
        #expect(ContactInputs.properties(first)["email"] == nil)

        let byEmail = try post(
            "/batch/read",
            [
                "idProperty": "email", "properties": ["email"],
                "inputs": [["id": "R1@example.com"], ["id": "ghost@example.com"]],
            ])
        #expect(byEmail.status == 207)
        #expect(ContactInputs.results(byEmail.json).count == 1)
        #expect(ContactInputs.context(ContactInputs.errors(byEmail.json)[0])["ids"] == ["ghost@example.com"])
    }

    @Test func propertiesWithHistoryHasTheLowerLimitAndReturnsVersions() throws {
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([["email": "h@example.com", "firstname": "One"]])
        harness.clock.advance(milliseconds: 10)
        harness.simulator.editContact(id: ids[0], properties: ["firstname": "Two"])
        let tooMany = try post(
            "/batch/read",
            [
                "propertiesWithHistory": ["firstname"],
                "inputs": (0..<51).map { ["id": String(1001 + $0)] },
            ])
        #expect(tooMany.status == 400)
        #expect((tooMany.json["message"] as? String)?.contains("property histories is 50") == true)
        let answer = try post("/batch/read", ["propertiesWithHistory": ["firstname"], "inputs": [["id": ids[0]]]])
        #expect(answer.status == 200)
        let history = (ContactInputs.results(answer.json)[0]["propertiesWithHistory"] as? [String: [[String: Any]]])?[
            "firstname"]
        #expect(history?.compactMap { $0["value"] as? String } == ["Two", "One"])
        #expect(history?.first?["timestamp"] as? String != history?.last?["timestamp"] as? String)
    }

    @Test func archiveAnswers204AndHidesTheContact() throws {
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([["email": "gone@example.com"]])
        let answer = try post("/batch/archive", ["inputs": [["id": ids[0]]]])
        #expect(answer.status == 204)
        #expect(answer.body.isEmpty)
        let read = try client.json("GET", ContactInputs.contacts + "/\(ids[0])", token: harness.token)
        #expect(read.status == 404)
        let archived = try client.json("GET", ContactInputs.contacts + "/\(ids[0])?archived=true", token: harness.token)
        #expect(archived.status == 200)
        #expect(archived.json["archived"] as? Bool == true)
    }

    @Test func singleObjectCreateGetPatchDelete() throws {
        defer { harness.stop() }
        let created = try client.json(
            "POST", ContactInputs.versioned, token: harness.token,
            body: ["properties": ["email": "one@example.com", "firstname": "One"]])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        let again = try client.json(
            "POST", ContactInputs.contacts, token: harness.token, body: ["properties": ["email": "one@example.com"]])
        #expect(again.status == 409)

        let get = try client.json(
            "GET", ContactInputs.contacts + "/one%40example.com?idProperty=email&properties=firstname,email",
            token: harness.token)
        #expect(get.status == 200)
        #expect(ContactInputs.properties(get.json)["firstname"] == "One")

        let patched = try client.json(
            "PATCH", ContactInputs.contacts + "/\(id)", token: harness.token,
            body: ["properties": ["jobtitle": "Engineer"]])
        #expect(patched.status == 200)
        #expect(ContactInputs.properties(patched.json)["jobtitle"] == "Engineer")

        let missing = try client.json("GET", ContactInputs.contacts + "/424242", token: harness.token)
        #expect(missing.status == 404)
        #expect(missing.json["message"] as? String == "Object not found.  objectId are usually numeric.")
        #expect(missing.json["category"] as? String == "OBJECT_NOT_FOUND")

        let deleted = try client.json("DELETE", ContactInputs.contacts + "/\(id)", token: harness.token)
        #expect(deleted.status == 204)
        #expect(harness.simulator.contact(id: id) == nil)
    }

    @Test func mergeGivesANewIdThatOldIdsResolveTo() throws {
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([
            ["email": "p@example.com", "firstname": "P"], ["email": "s@example.com", "company": "S"],
        ])
        let answer = try post("/merge", ["primaryObjectId": ids[0], "objectIdToMerge": ids[1]])
        #expect(answer.status == 200)
        let merged = try #require(answer.json["id"] as? String)
        #expect(!ids.contains(merged))
        let viaOld = try client.json(
            "GET", ContactInputs.contacts + "/\(ids[1])?properties=company,hs_merged_object_ids,hs_additional_emails",
            token: harness.token)
        #expect(viaOld.json["id"] as? String == merged)
        #expect(ContactInputs.properties(viaOld.json)["company"] == "S")
        #expect(ContactInputs.properties(viaOld.json)["hs_merged_object_ids"] == "\(ids[0]);\(ids[1])")
        #expect(ContactInputs.properties(viaOld.json)["hs_additional_emails"] == "s@example.com")
        #expect(harness.simulator.contact(email: "s@example.com")?.id == merged)
    }

    @Test func malformedJsonIs400WithoutCategory() throws {
        defer { harness.stop() }
        let answer = try client.send(
            "POST", ContactInputs.contacts + "/batch/upsert",
            headers: [("Authorization", "Bearer \(harness.token)"), ("Content-Type", "application/json")],
            body: Array("{\"inputs\": [\n  {\"id\": }\n]}".utf8))
        #expect(answer.status == 400)
        #expect(answer.json["category"] == nil)
        #expect((answer.json["message"] as? String)?.hasPrefix("Invalid input JSON on line 2, column") == true)
    }
}
