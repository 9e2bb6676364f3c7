import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import LeadSyncWorkload

/// A real journal in a temporary directory, the simulator in-process on a loopback port, and a
/// reconciler talking to it over real HTTP: what a drain test starts from.
final class DrainHarness: Sendable {
    let directory: TemporaryDirectory
    let journal: Journal
    let simulator: HubSpotSimulator
    let token = "pat-na1-drain-harness"
    let transport = CurlTransport()

    init(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
        directory = try TemporaryDirectory(prefix: "leadsync-drain")
        journal = try Journal(path: directory.path("journal.db"))
        simulator = try HubSpotSimulator.started(token: token) {
            $0.rateLimit = nil
            $0.dailyLimit = nil
            configure(&$0)
        }.simulator
    }

    deinit { simulator.stop() }

    var gateway: HubSpotGateway {
        HubSpotGateway(client: client(token: token))
    }

    /// A client of the simulator with a static token.
    func client(token: String) -> HubSpotClient {
        HubSpotClient(
            baseURL: simulator.baseURL, transport: transport, authorizer: StaticTokenAuthorizer(token: Secret(token)))
    }

    /// Appends `changes` in one transaction.
    func record(_ changes: [GeneratedChange]) async throws {
        _ = try await journal.changeLog.record(
            changes.map { LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds) })
    }

    /// Appends one change of one lead.
    func record(_ lead: String, _ fields: [String: FieldValue], at: Int64) async throws {
        _ = try await journal.changeLog.record([LeadChange(lead: lead, fields: fields, atMilliseconds: at)])
    }

    /// Runs `sync --once` with test-sized backoff; `adjust` changes the options first.
    func sync(
        events: SyncEvents = SyncEvents(), gateway: HubSpotGateway? = nil,
        _ adjust: (inout SyncOptions) -> Void = { _ in }
    ) async throws -> SyncReport {
        try await reconciler(events: events, gateway: gateway, adjust).run()
    }

    /// The reconciler ``sync(events:gateway:_:)`` runs.
    func reconciler(
        events: SyncEvents = SyncEvents(), gateway: HubSpotGateway? = nil,
        _ adjust: (inout SyncOptions) -> Void = { _ in }
    ) -> Reconciler {
        var options = SyncOptions()
        options.seed = 7
        options.backoff = Backoff(base: .milliseconds(20), cap: .milliseconds(400))
        options.giveUpAfter = .seconds(30)
        options.pacer.limit = 10_000
        options.pacer.limitIsCap = true
        options.pacer.dailyLimit = 1_000_000
        adjust(&options)
        return Reconciler(journal: journal, gateway: gateway ?? self.gateway, options: options, events: events)
    }

    /// The live contact with this email (primary or secondary).
    func contact(email: String) -> SimContact? { simulator.contact(email: email) }

    func contactsByEmail(properties: Set<String>) -> [String: [String: String]] {
        simulator.contactsByEmail(properties: properties)
    }

    /// Archives a contact as a HubSpot user would (batch archive); returns the HTTP status.
    func archive(_ id: String) async throws -> Int {
        let request = HTTPRequest(
            method: .post, url: simulator.baseURL + "/crm/v3/objects/contacts/batch/archive",
            headers: ["Authorization": "Bearer " + token, "Content-Type": "application/json"],
            body: Data(#"{"inputs":[{"id":"\#(id)"}]}"#.utf8))
        return try await transport.send(request).status
    }

}
