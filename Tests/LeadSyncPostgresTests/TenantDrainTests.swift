import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload
import Testing

/// The engine drains a PostgreSQL tenant as it drains a SQLite journal: the same reconciler and
/// notes lane, over real HTTP to hubspot-sim, from the same input, leave HubSpot in the same
/// state (decision 0026: one seam, not a fork of the engine).
@Suite(.hangGuard) struct TenantDrainTests {
    static let token = "pat-na1-tenant-drain"
    /// 1,500 changes of 300 leads (some refused, some never identified) and 60 conversations.
    static let workload: WorkloadSpec = {
        var spec = WorkloadSpec(leads: 300, changes: 1_500, seed: 14)
        spec.invalidShare = 0.02
        return spec
    }()

    /// What HubSpot holds after a drain of `backend`: contacts by email, note bodies by email,
    /// and the journal's own view (pending and rejected counts).
    struct Drained: Equatable {
        var contacts: [String: [String: String]]
        var notes: [String: [String]]
        var pendingLeads: Int64
        var rejected: Int64
        var pendingConversations: Int64
    }

    static func drain(_ backend: StoreBackend) async throws -> Drained {
        let (simulator, _) = try HubSpotSimulator.started(token: token) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
        }
        defer { simulator.stop() }
        var drained: Drained?
        try await backend.withJournal { journal in
            let changes = Array(LeadSetGenerator(workload))
            _ = try await journal.changeLog.record(
                changes.map { LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds) }
            )
            let lines = Array(ConversationGenerator(ConversationSpec(workload, conversations: 60, meanMessages: 3)))
            #expect(changes.count + lines.count <= 2_000)
            _ = try await journal.conversations.record(lines.map(\.entry))

            let client = HubSpotClient(
                baseURL: simulator.baseURL, transport: CurlTransport(),
                authorizer: StaticTokenAuthorizer(token: Secret(token)))
            var options = SyncOptions()
            options.seed = 7
            options.backoff = Backoff(base: .milliseconds(20), cap: .milliseconds(400))
            options.pacer.limit = 10_000
            options.pacer.limitIsCap = true
            let report = try await Reconciler(
                journal: journal, gateway: HubSpotGateway(client: client), options: options
            ).run()
            #expect(report.ending == .drained)

            let status = try await journal.leads.status()
            drained = Drained(
                contacts: simulator.contactsByEmail(properties: ["email", "firstname", "lastname", "company"]),
                notes: simulator.notesByContactEmail().mapValues {
                    $0.compactMap { $0.properties["hs_note_body"] }.sorted()
                },
                pendingLeads: status.pendingLeads, rejected: status.rejected,
                pendingConversations: try await journal.conversations.counts().pending)
        }
        return try #require(drained)
    }

    @Test func aTenantDrainsToTheSameHubSpotStateAsAJournal() async throws {
        let journal = try await Self.drain(.sqlite)
        let tenant = try await Self.drain(.postgres)
        #expect(journal.contacts.count > 200 && !journal.notes.isEmpty && journal.rejected > 0)
        #expect(tenant == journal)
    }
}
