import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// The switches for behaviours the sources leave open (docs/hubspot-fidelity.md).
@Suite("Configuration choices")
struct ConfigurationChoiceTests {
    private func readByEmail(_ email: String, _ harness: SimulatorHarness, properties: [String] = ["email"]) throws
        -> LoopbackHTTPClient.Response
    {
        try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/read", token: harness.token,
            body: ["idProperty": "email", "properties": properties, "inputs": [["id": email]]])
    }

    @Test func secondaryEmailsFindTheContact() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([
            ["email": "main@example.com", "hs_additional_emails": "alias@example.com"]
        ])
        let read = try readByEmail("ALIAS@example.com", harness)
        #expect(ContactInputs.results(read.json).first?["id"] as? String == ids[0])
        let upsert = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("alias@example.com", ["firstname": "Al"])]))
        #expect(ContactInputs.results(upsert.json).first?["id"] as? String == ids[0])
    }

    @Test func exactEmailMatchingWhenCaseInsensitivityIsOff() throws {
        let harness = try SimulatorHarness { $0.caseInsensitiveEmails = false }
        defer { harness.stop() }
        harness.simulator.seedContacts([["email": "Mixed@Example.com"]])
        #expect(try readByEmail("Mixed@Example.com", harness).status == 200)
        #expect(try readByEmail("mixed@example.com", harness).status == 207)
    }

    @Test func emptyRequestedPropertiesOmittedOrNull() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.seedContacts([["email": "e@example.com"]])
        let omitted = ContactInputs.results(
            try readByEmail("e@example.com", harness, properties: ["email", "company"]).json)[0]
        #expect((omitted["properties"] as? [String: Any])?.keys.contains("company") == false)
        harness.simulator.updateConfiguration { $0.emptyPropertiesAsNull = true }
        let nulled = ContactInputs.results(
            try readByEmail("e@example.com", harness, properties: ["email", "company"]).json)[0]
        #expect((nulled["properties"] as? [String: Any])?.keys.contains("company") == true)
        #expect(ContactInputs.properties(nulled)["company"] == nil)
    }

    @Test func noOpWritesBumpLastModifiedOnlyWhenConfigured() throws {
        let harness = try SimulatorHarness { $0.bumpModifiedOnNoOpWrite = false }
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([["email": "n@example.com", "firstname": "Same"]])
        let before = try #require(harness.simulator.contact(id: ids[0])).updatedAtMilliseconds
        harness.clock.advance(seconds: 5)
        _ = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("n@example.com", ["firstname": "Same"])]))
        #expect(harness.simulator.contact(id: ids[0])?.updatedAtMilliseconds == before)
        harness.simulator.updateConfiguration { $0.bumpModifiedOnNoOpWrite = true }
        _ = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("n@example.com", ["firstname": "Same"])]))
        #expect(harness.simulator.contact(id: ids[0])?.updatedAtMilliseconds == before + 5000)
    }

    @Test func createStatusDriftsTo200WhenConfigured() throws {
        let harness = try SimulatorHarness { $0.createSuccessStatus = 200 }
        defer { harness.stop() }
        let batch = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/create", token: harness.token,
            body: ["inputs": [["properties": ["email": "d1@example.com"]]]])
        #expect(batch.status == 200)
        let single = try harness.client().json(
            "POST", ContactInputs.contacts, token: harness.token,
            body: ["properties": ["email": "d2@example.com"]])
        #expect(single.status == 200)
    }
}
