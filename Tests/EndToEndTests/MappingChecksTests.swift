import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// What `map set`, `pull-rules add` and `map check` say about fields and properties that do not
/// exist, and values HubSpot would refuse.
@Suite(.hangGuard) struct MappingChecksTests {
    @Test func mapSetOfAFieldNoLeadCarriedIsRefusedWithTheClosestFieldUnlessForced() throws {
        let cli = try LeadsyncCLI()
        _ = try cli.run("ingest", stdin: #"{"lead":"L-1","fields":{"email":"a@b.io","first_name":"Ada"}}"# + "\n")
        let typo = try cli.run("map", "set", "frist_name", "firstname")
        #expect(typo.status == 2)
        #expect(
            typo.stderr.contains("frist_name") && typo.stderr.contains("did you mean first_name?"), "\(typo.stderr)")
        let mappings = try #require(try cli.json("map", "list").1 as? [[String: String]])
        #expect(mappings.contains(["field": "first_name", "property": "firstname", "write": "overwrite"]))

        let forced = try cli.run("map", "set", "seats", "seats", "--force")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stderr.contains("warning"))
    }

    @Test func mapSetOnAJournalWithNoLeadsYetOnlyWarns() throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run("map", "set", "budget", "budget")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: no lead in this journal has carried the field budget"))
    }

    @Test func pullRulesAddOnAPropertyHubSpotLacksIsRefusedWhenConnected() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let cli = try LeadsyncCLI()
        let connected = ["LEADSYNC_TOKEN": harness.token, "LEADSYNC_HUBSPOT_URL": harness.baseURL]
        let missing = try cli.run(["pull-rules", "add", "lifecycle_stage", "--eq", "lead"], environment: connected)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("HubSpot has no contact property lifecycle_stage"), "\(missing.stderr)")
        #expect(
            try cli.run(["pull-rules", "add", "lifecyclestage", "--eq", "lead"], environment: connected).status == 0)
        #expect(
            try cli.run(["pull-rules", "add", "lifecycle_stage", "--eq", "lead", "--force"], environment: connected)
                .status == 0)

        // Offline: accepted with a warning.
        let unreachable = try cli.run(
            ["pull-rules", "add", "custom_score", "--has-value"],
            environment: ["LEADSYNC_TOKEN": harness.token, "LEADSYNC_HUBSPOT_URL": "http://127.0.0.1:9"])
        #expect(unreachable.status == 0, "\(unreachable.stderr)")
        #expect(unreachable.stderr.contains("warning: HubSpot could not be reached"))
        let disconnected = try cli.run("pull-rules", "add", "custom_score", "--not-set")
        #expect(disconnected.status == 0)
        #expect(disconnected.stderr.contains("warning: not connected"))
        let rules = try #require(try cli.json("pull-rules", "list").1 as? [[String: Any]])
        #expect(
            rules.map { $0["property"] as? String } == [
                "lifecyclestage", "lifecycle_stage", "custom_score", "custom_score",
            ])
    }

    @Test func mapCheckListsValuesHubSpotWouldRefuseApartAndExitsZero() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let cli = try LeadsyncCLI()
        let environment = ["LEADSYNC_TOKEN": harness.token, "LEADSYNC_HUBSPOT_URL": harness.baseURL]
        let lines = (1...150).map {
            #"{"lead":"L-\#($0)","fields":{"email":"l\#($0)@b.io","lifecycle":"\#($0 == 1 ? "lead" : "sometime")"}}"#
        }
        #expect(try cli.run("ingest", stdin: lines.joined(separator: "\n") + "\n").status == 0)
        #expect(try cli.run("map", "set", "lifecycle", "lifecyclestage").status == 0)
        _ = try cli.run("map", "set", "shoe", "shoe_size", "--force")
        let (result, document) = try cli.json("map", "check", environment: environment)
        let report = try #require(document as? [String: Any])
        let mappings = try #require(report["mappings"] as? [[String: Any]])
        #expect(mappings.first { $0["field"] as? String == "lifecycle" }?["ok"] as? Bool == true)
        #expect(mappings.first { $0["field"] as? String == "shoe" }?["ok"] as? Bool == false)
        #expect((report["unseen_fields"] as? [String])?.contains("shoe") == true)
        let invalid = try #require(report["invalid_values"] as? [[String: Any]])
        #expect(invalid.count == 100)
        #expect(invalid.allSatisfy { $0["field"] as? String == "lifecycle" && $0["value"] as? String == "sometime" })
        #expect(Set(invalid.first?.keys.map { $0 } ?? []) == ["field", "lead", "value", "problem"])
        #expect(
            result.stderr.contains("149 current values HubSpot would refuse (the first 100 listed)"), "\(result.stderr)"
        )
        // The unknown property is a mapping problem: exit 1. Without it, the refusable values alone exit 0.
        #expect(result.status == 1)
        #expect(try cli.run("map", "remove", "shoe").status == 0)
        #expect(try cli.run(["map", "check"], environment: environment).status == 0)
    }
}
