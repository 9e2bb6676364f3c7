import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Control API")
struct ControlAPITests {
    @Test func seedDumpEditTokensConfigFaultsCountersAndReset() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let seeded = try client.json(
            "POST", "/_sim/contacts", body: ["contacts": [["email": "Z@Example.com", "firstname": "Zed"]]])
        #expect(seeded.status == 201)
        let id = try #require((seeded.json["ids"] as? [String])?.first)
        #expect(
            try client.json("POST", "/_sim/contacts/\(id)/edit", body: ["properties": ["firstname": "Zoe"]]).status
                == 200)
        let dump = try client.json("GET", "/_sim/contacts")
        let contact = try #require((dump.json["contacts"] as? [[String: Any]])?.first)
        #expect(ContactInputs.properties(contact)["firstname"] == "Zoe")
        #expect(ContactInputs.properties(contact)["email"] == "z@example.com")

        #expect(try client.json("POST", "/_sim/tokens", body: ["token": "pat-extra"]).status == 201)
        #expect(try client.json("GET", ContactInputs.contacts, token: "pat-extra").status == 200)
        #expect(try client.send("DELETE", "/_sim/tokens/pat-extra").status == 204)
        #expect(try client.json("GET", ContactInputs.contacts, token: "pat-extra").status == 401)

        let config = try client.json(
            "POST", "/_sim/config",
            body: [
                "rateLimit": ["max": 1, "intervalMilliseconds": 1000],
                "latencyMilliseconds": 0, "faults": ["serverErrorRate": 0],
            ])
        #expect(config.status == 200)
        #expect(harness.simulator.configuration.rateLimit == .init(max: 1, intervalMilliseconds: 1000))
        #expect(try client.json("POST", "/_sim/config", body: ["nonsense": 1]).status == 400)
        _ = try client.json("POST", "/_sim/config", body: ["rateLimit": NSNull()])
        #expect(harness.simulator.configuration.rateLimit == nil)

        #expect(
            try client.json("POST", "/_sim/faults", body: ["fault": "5xx", "status": 504, "onRequest": 1]).status == 201
        )
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 504)

        #expect(try client.json("POST", "/_sim/oauth-clients", body: ["id": "c", "secret": "s"]).status == 201)
        let code = try client.json(
            "POST", "/_sim/codes", body: ["clientId": "c", "redirectUri": "http://localhost/cb"])
        #expect(code.json["code"] is String)

        let counters = try client.json("GET", "/_sim/counters").json
        #expect(counters["faultsInjected"] as? Int == 1)
        #expect(((counters["requests"] as? [String: Any])?["contacts.list"] as? [String: Int])?["504"] == 1)

        #expect(try client.json("POST", "/_sim/reset").status == 200)
        #expect(harness.simulator.contacts().isEmpty)
        #expect(harness.simulator.counters().totalRequests == 0)
    }

    @Test func stateRoundTripsThroughJson() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts([
            ["email": "a@example.com", "budget": "5"], ["email": "b@example.com"],
        ])
        harness.simulator.mergeContacts(primary: ids[0], secondary: ids[1])
        let json = harness.simulator.contactsJSON()
        let other = HubSpotSimulator()
        try other.loadContacts(json: json)
        #expect(other.contacts() == harness.simulator.contacts())
        #expect(other.contact(email: "b@example.com")?.properties["budget"] == "5")
        #expect(
            other.seedContacts([["email": "c@example.com"]]) == [
                String(Int(harness.simulator.contacts().last!.id)! + 1)
            ])
    }
}
