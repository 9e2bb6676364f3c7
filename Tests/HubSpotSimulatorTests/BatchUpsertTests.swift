import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Batch upsert")
struct BatchUpsertTests {
    @Test func createsThenUpdatesByEmailWithNewFlag() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let first = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("ada@example.com", ["firstname": "Ada"])]))
        #expect(first.status == 200)
        let created = ContactInputs.results(first.json)
        #expect(created.count == 1)
        #expect(created[0]["new"] as? Bool == true)
        let id = try #require(created[0]["id"] as? String)
        let props = ContactInputs.properties(created[0])
        #expect(props["hs_object_id"] == id)
        #expect(props["firstname"] == "Ada")
        #expect(props["createdate"] != nil && props["lastmodifieddate"] != nil)
        #expect(first.json["status"] as? String == "COMPLETE")

        harness.clock.advance(milliseconds: 1500)
        let second = try client.json(
            "POST", ContactInputs.versioned + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("  ADA@example.com ", ["lastname": "Lovelace"])]))
        #expect(second.status == 200)
        let updated = ContactInputs.results(second.json)[0]
        #expect(updated["new"] as? Bool == false)
        #expect(updated["id"] as? String == id)
        #expect(ContactInputs.properties(updated)["lastmodifieddate"] != props["lastmodifieddate"])
        let stored = try #require(harness.simulator.contact(id: id))
        #expect(stored.properties == ["email": "ada@example.com", "firstname": "Ada", "lastname": "Lovelace"])
        #expect(stored.updatedAtMilliseconds - stored.createdAtMilliseconds == 1500)
        #expect(harness.simulator.counters().recordsReceived == 2)
        #expect(harness.simulator.counters().count("contacts.batch.upsert", status: 200) == 2)
    }

    @Test func allValuesAreStringsAndEmptyStringClears() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let body: [String: Any] = [
            "inputs": [
                [
                    "id": "n@example.com", "idProperty": "email",
                    "properties": ["budget": 12.50, "meeting_booked": true],
                ]
            ]
        ]
        let answer = try client.json("POST", ContactInputs.contacts + "/batch/upsert", token: harness.token, body: body)
        #expect(answer.status == 200)
        let props = ContactInputs.properties(ContactInputs.results(answer.json)[0])
        #expect(props["budget"] == "12.5")
        #expect(props["meeting_booked"] == "true")
        _ = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("n@example.com", ["budget": ""])]))
        #expect(harness.simulator.contact(email: "n@example.com")?.properties["budget"] == nil)
    }

    @Test func moreThanOneHundredInputsIsRefusedWhole() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let inputs = (0..<101).map { ContactInputs.upsert("u\($0)@example.com") }
        let answer = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token, body: ContactInputs.batch(inputs))
        #expect(answer.status == 400)
        #expect(answer.json["category"] as? String == "VALIDATION_ERROR")
        #expect(harness.simulator.contacts().isEmpty)
        let hundred = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch(Array(inputs.prefix(100))))
        #expect(hundred.status == 200)
        #expect(harness.simulator.contacts().count == 100)
    }

    @Test func duplicateIdsRefuseTheWholeBatchWithOrWithoutTraceIds() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        for trace in [false, true] {
            let inputs = [
                ContactInputs.upsert("dup@example.com", trace: trace ? "t1" : nil),
                ContactInputs.upsert("other@example.com", trace: trace ? "t2" : nil),
                ContactInputs.upsert("DUP@example.com", trace: trace ? "t3" : nil),
            ]
            let answer = try harness.client().json(
                "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
                body: ContactInputs.batch(inputs))
            #expect(answer.status == 400)
            #expect(
                answer.json["message"] as? String
                    == "Duplicate IDs found in batch input: [DUP@example.com]. IDs must be unique")
            #expect(ContactInputs.context(answer.json)["ids"] == ["DUP@example.com"])
            #expect(answer.json["category"] as? String == "VALIDATION_ERROR")
            #expect(answer.json["correlationId"] as? String == answer.header("X-HubSpot-Correlation-Id"))
        }
        #expect(harness.simulator.contacts().isEmpty)
    }

    @Test func invalidInputWithoutTraceIdsFailsTheBatchAndWithTraceIdsGives207() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let bad = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([
                ContactInputs.upsert("ok@example.com", ["firstname": "Ok"]),
                ContactInputs.upsert("bad@example.com", ["lifecyclestage": "bogus"]),
            ]))
        #expect(bad.status == 400)
        #expect(harness.simulator.contacts().isEmpty)

        let mixed = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([
                ContactInputs.upsert("ok@example.com", ["firstname": "Ok"], trace: "lead-1:seq-1"),
                ContactInputs.upsert("bad@example.com", ["nosuchproperty": "x"], trace: "lead-2:seq-2"),
            ]))
        #expect(mixed.status == 207)
        #expect(mixed.json["numErrors"] as? Int == 1)
        #expect(ContactInputs.results(mixed.json).count == 1)
        let error = ContactInputs.errors(mixed.json)[0]
        #expect(ContactInputs.context(error)["objectWriteTraceId"] == ["lead-2:seq-2"])
        #expect((error["message"] as? String)?.hasPrefix("Property values were not valid: [") == true)
        #expect(harness.simulator.contacts().count == 1)

        let allFailed = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("bad@example.com", ["budget": "lots"], trace: "t")]))
        #expect(allFailed.status == 207)
        #expect(ContactInputs.results(allFailed.json).isEmpty)
    }

    @Test func nonUniqueIdPropertyIsRefusedAndUniqueCustomPropertyWorks() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let refused = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ["inputs": [["id": "Ada", "idProperty": "firstname", "properties": [:] as [String: String]]]])
        #expect(refused.status == 400)
        #expect((refused.json["message"] as? String)?.contains("non-unique 0-1 property firstname") == true)

        let body: [String: Any] = [
            "inputs": [["id": "L-1", "idProperty": "external_lead_id", "properties": ["email": "l1@example.com"]]]
        ]
        let first = try client.json("POST", ContactInputs.contacts + "/batch/upsert", token: harness.token, body: body)
        let second = try client.json("POST", ContactInputs.contacts + "/batch/upsert", token: harness.token, body: body)
        #expect(ContactInputs.results(first.json)[0]["new"] as? Bool == true)
        #expect(ContactInputs.results(second.json)[0]["new"] as? Bool == false)
        #expect(harness.simulator.contacts().count == 1)
    }

    @Test func shuffledResultsStillCarryTraceIds() throws {
        let harness = try SimulatorHarness { $0.shuffleResults = true }
        defer { harness.stop() }
        let inputs = (0..<20).map { ContactInputs.upsert("s\($0)@example.com", trace: "t\($0)") }
        let answer = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token, body: ContactInputs.batch(inputs))
        let emails = ContactInputs.results(answer.json).map { ContactInputs.properties($0)["email"] ?? "" }
        #expect(Set(emails) == Set((0..<20).map { "s\($0)@example.com" }))
        #expect(emails != (0..<20).map { "s\($0)@example.com" })
    }
}

@Suite("Concurrent clients")
struct ConcurrentClientTests {
    @Test func parallelConnectionsAllLand() throws {
        let harness = try SimulatorHarness { $0.rateLimit = nil }
        defer { harness.stop() }
        let port = harness.port
        let token = harness.token
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let client = LoopbackHTTPClient(port: port)
            for batch in 0..<5 {
                let inputs = (0..<100).map { ContactInputs.upsert("w\(worker)-b\(batch)-\($0)@example.com") }
                _ = try? client.json(
                    "POST", ContactInputs.contacts + "/batch/upsert", token: token, body: ContactInputs.batch(inputs))
            }
        }
        #expect(harness.simulator.contacts().count == 2000)
        #expect(Set(harness.simulator.contacts().map(\.id)).count == 2000)
        #expect(harness.simulator.counters().count("contacts.batch.upsert", status: 200) == 20)
    }
}
