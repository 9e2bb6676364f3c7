import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import Testing

/// `leadsync pull` followed by `leadsync sync --once`: pulled values are never pushed back, and a
/// local value left pending by the pull goes out by its write rule.
@Suite(.hangGuard) struct PullThenSyncTests {
    static let token = "pat-na1-pull-then-sync"

    private struct Fixture {
        let cli: LeadsyncCLI
        let simulator: HubSpotSimulator

        init() throws {
            cli = try LeadsyncCLI()
            simulator = try HubSpotSimulator.started(token: PullThenSyncTests.token) { $0.rateLimit = nil }.simulator
        }

        var environment: [String: String] {
            ["LEADSYNC_TOKEN": PullThenSyncTests.token, "LEADSYNC_HUBSPOT_URL": simulator.baseURL]
        }

        func run(_ arguments: String..., stdin: String = "") throws -> ProcessResult {
            let result = try cli.run(arguments, environment: environment, stdin: Data(stdin.utf8))
            #expect(result.status == 0, "\(arguments.joined(separator: " ")): \(result.stderr)")
            return result
        }

        func pull() throws -> [String: Int] {
            let (result, document) = try cli.json("pull", environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
            return document as? [String: Int] ?? [:]
        }

        func lead(_ id: String) throws -> [String: Any] {
            let (_, document) = try cli.json("lead", "show", id)
            return document as? [String: Any] ?? [:]
        }
    }

    @Test func aPullFollowedBySyncSendsNothingForUnchangedLeads() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let ids = fixture.simulator.seedContacts(
            (1...300).map { ["email": "p\($0)@example.com", "firstname": "F\($0)", "company": "C\($0 % 7)"] })
        #expect(try fixture.pull() == ["created": 300, "linked": 0, "updated": 0, "unchanged": 0])

        // Nothing local: a sync sends no contact at all.
        let idle = fixture.simulator.counters()
        _ = try fixture.run("sync", "--once")
        #expect(fixture.simulator.counters().recordsReceived == idle.recordsReceived)

        // Two pulled leads changed locally and one new lead: exactly those three records go out.
        _ = try fixture.run(
            "ingest",
            stdin: """
                {"lead": "hubspot-\(ids[0])", "fields": {"first_name": "Changed"}}
                {"lead": "hubspot-\(ids[1])", "fields": {"company": "Moved"}}
                {"lead": "L-new", "fields": {"email": "new@example.com", "first_name": "New"}}

                """)
        let before = fixture.simulator.counters()
        _ = try fixture.run("sync", "--once")
        #expect(fixture.simulator.counters().recordsReceived - before.recordsReceived == 3)
        #expect(fixture.simulator.contact(id: ids[0])?.properties["firstname"] == "Changed")
        #expect(fixture.simulator.contact(email: "new@example.com") != nil)

        // The pushes moved those contacts' lastmodifieddate: the next pull reads them back and
        // takes nothing, and the sync after it sends nothing.
        #expect(try fixture.pull()["created"] == 0)
        let after = fixture.simulator.counters()
        _ = try fixture.run("sync", "--once")
        #expect(fixture.simulator.counters().recordsReceived == after.recordsReceived)
    }

    /// A lead with pending local values for two fields, and newer HubSpot values for both: the
    /// overwrite field's local value wins, the if-empty field keeps HubSpot's value (recorded as
    /// skipped, the lead takes it), and the field without a local change takes HubSpot's value.
    @Test func aPendingLocalValueAgainstANewerHubSpotValueFollowsItsWriteRule() throws {
        let fixture = try Fixture()
        defer { fixture.simulator.stop() }
        let id = try #require(fixture.simulator.seedContacts([["email": "ada@example.com", "firstname": "Ada"]]).first)
        _ = try fixture.run("map", "set", "job_title", "jobtitle", "--write", "if-empty")
        _ = try fixture.run("ingest", stdin: #"{"lead": "L-1", "fields": {"email": "ada@example.com"}}"# + "\n")
        _ = try fixture.run("sync", "--once")
        #expect(try fixture.pull()["created"] == 0)

        _ = try fixture.run(
            "ingest", stdin: #"{"lead": "L-1", "fields": {"company": "Local Co", "job_title": "Local Title"}}"# + "\n")
        _ = fixture.simulator.editContact(
            id: id, properties: ["company": "HubSpot Co", "jobtitle": "HubSpot Title", "firstname": "Augusta"])
        #expect(try fixture.pull() == ["created": 0, "linked": 0, "updated": 1, "unchanged": 0])
        let pulled = try fixture.lead("L-1")
        let pending = (pulled["delivery"] as? [String: [String: Any]]) ?? [:]
        #expect(pending["company"]?["state"] as? String == "pending")
        #expect(pending["job_title"]?["state"] as? String == "pending")
        #expect((pulled["fields"] as? [String: Any])?["first_name"] as? String == "Augusta")

        _ = try fixture.run("sync", "--once")
        let contact = try #require(fixture.simulator.contact(id: id))
        #expect(contact.properties["company"] == "Local Co")
        #expect(contact.properties["jobtitle"] == "HubSpot Title")
        #expect(contact.properties["firstname"] == "Augusta")
        let synced = try fixture.lead("L-1")
        let fields = (synced["fields"] as? [String: Any]) ?? [:]
        #expect(fields["company"] as? String == "Local Co")
        #expect(fields["job_title"] as? String == "HubSpot Title")
        #expect(fields["first_name"] as? String == "Augusta")
        #expect(((synced["delivery"] as? [String: [String: Any]])?["job_title"])?["state"] as? String == "skipped")
    }
}
