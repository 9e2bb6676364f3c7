import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite("map check against hubspot-sim", .timeLimit(.minutes(1)))
struct ConnectionMapCheckTests {
    @Test func defaultMappingsAreValidAndProblemsAreNamed() async throws {
        let harness = try SimulatorHarness()
        let directory = try TemporaryDirectory()
        let journal = try Journal(path: directory.path("leadsync.db"))
        let client = HubSpotClient(baseURL: harness.baseURL, transport: CurlTransport(), authorizer: StaticTokenAuthorizer(token: Secret(harness.token)))

        let clean = try await MapCheckService(journal: journal, client: client).check()
        #expect(clean.allValid, "\(clean.verdicts.filter { !$0.ok })")

        _ = try journal.setMapping(Mapping(field: "budget", property: "no_such_property"))
        _ = try journal.setMapping(Mapping(field: "created", property: "createdate"))
        _ = try await journal.record(lead: "L-1", fields: ["email": .string("a@example.com"), "shoe_size": .number("42")])
        _ = try await journal.fold()
        let report = try await MapCheckService(journal: journal, client: client).check()
        #expect(!report.allValid)
        #expect(report.verdicts.first { $0.mapping.field == "budget" }?.problem?.contains("no contact property") == true)
        #expect(report.verdicts.first { $0.mapping.field == "created" }?.problem?.contains("read-only") == true)
        #expect(report.unmappedFields == ["shoe_size"])
    }
}
