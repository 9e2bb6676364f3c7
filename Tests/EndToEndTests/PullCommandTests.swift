import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// `leadsync pull` and `leadsync pull-rules` as a user runs them: JSON, exit codes, rules.
@Suite(.hangGuard) struct PullCommandTests {
    static let token = "pat-na1-pull-command-test"

    private func simulator() throws -> HubSpotSimulator {
        let simulator = HubSpotSimulator()
        simulator.registerToken(Self.token)
        _ = try simulator.start()
        return simulator
    }

    @Test func withoutCredentialsPullExitsThreeAndSaysToConnect() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("pull", "--json", environment: ["LEADSYNC_HUBSPOT_URL": "http://127.0.0.1:9"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("leadsync connect"))
        #expect(result.stdout.isEmpty)
    }

    @Test func pullRulesAreListedAsTheContractShowsAndRefusedWhenMalformed() throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("pull-rules", "add", "lifecyclestage", "--eq", "lead").status == 0)
        #expect(try cli.run("pull-rules", "add", "hs_lead_status", "--in", "NEW,OPEN").status == 0)
        #expect(try cli.run("pull-rules", "add", "next_meeting", "--after", "2026-01-01").status == 0)
        #expect(try cli.run("pull-rules", "add", "phone", "--has-value").status == 0)
        #expect(try cli.run("pull-rules", "add", "website", "--not-set").status == 0)
        let (_, listed) = try cli.json("pull-rules", "list")
        let rules = try #require(listed as? [[String: Any]])
        #expect(rules.map { $0["id"] as? String } == ["1", "2", "3", "4", "5"])
        #expect(rules.map { $0["op"] as? String } == ["eq", "in", "after", "has_value", "not_set"])
        #expect(rules[1]["values"] as? [String] == ["NEW", "OPEN"])
        #expect(rules[0]["property"] as? String == "lifecyclestage")

        for bad in [["x"], ["x", "--eq", "a", "--has-value"], ["x", "--after", "soon"], ["x", "--in", ""]] {
            #expect(try cli.run(["pull-rules", "add"] + bad).status == 2, "\(bad)")
        }
        #expect(try cli.run("pull-rules", "remove", "2").status == 0)
        #expect(try cli.run("pull-rules", "remove", "2").status == 1)
        let (_, after) = try cli.json("pull-rules", "list")
        #expect((after as? [[String: Any]])?.count == 4)
    }

    @Test func onlyContactsMatchingEveryRuleComeIn() throws {
        let simulator = try simulator()
        defer { simulator.stop() }
        let ids = simulator.seedContacts([
            ["email": "a@example.com", "lifecyclestage": "lead", "phone": "1"],
            ["email": "b@example.com", "lifecyclestage": "customer", "phone": "2"],
            ["email": "c@example.com", "lifecyclestage": "lead"],
            ["email": "d@example.com", "lifecyclestage": "Lead", "phone": "4"],
        ])
        let cli = try LeadsyncCLI()
        let environment = ["LEADSYNC_TOKEN": Self.token, "LEADSYNC_HUBSPOT_URL": simulator.baseURL]
        #expect(try cli.run("pull-rules", "add", "lifecyclestage", "--eq", "lead").status == 0)
        #expect(try cli.run("pull-rules", "add", "phone", "--has-value").status == 0)

        let (full, counts) = try cli.json("pull", environment: environment)
        #expect(full.status == 0, "\(full.stderr)")
        #expect(counts as? [String: Int] == ["created": 2, "linked": 0, "updated": 0, "unchanged": 0])
        #expect(try cli.run("lead", "show", "hubspot-\(ids[0])").status == 0)
        #expect(try cli.run("lead", "show", "hubspot-\(ids[3])").status == 0)
        #expect(try cli.run("lead", "show", "hubspot-\(ids[2])").status == 1)

        // The incremental pull (search) applies the same rules.
        _ = simulator.editContact(id: ids[2], properties: ["phone": "3"])
        _ = simulator.editContact(id: ids[1], properties: ["firstname": "Bea"])
        let (incremental, next) = try cli.json("pull", environment: environment)
        #expect(incremental.status == 0, "\(incremental.stderr)")
        #expect(next as? [String: Int] == ["created": 1, "linked": 0, "updated": 0, "unchanged": 0])
        #expect(try cli.run("lead", "show", "hubspot-\(ids[1])").status == 1)
    }
}
