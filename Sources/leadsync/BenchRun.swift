import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncWorkload
import Logging

/// The demo behind `leadsync bench`: a generated lead set with its conversations ingested into a
/// fresh temporary journal, drained by the real engine (the same ``Reconciler`` as `sync --once`)
/// over HTTP on loopback into the bundled simulator started in-process (or another HubSpot given
/// by URL), then every expected contact and each contact's notes read back and compared with the
/// state computed from the input alone.
///
/// The lead set is built so the summary shows every outcome: leads without an email (awaiting
/// identity), refused values (malformed emails, a non-numeric `budget` for a number property),
/// and `job_title` mapped `if-empty` onto contacts that already hold a title, seeded before the
/// drain (skipped).
///
/// ```swift
/// let report = try await BenchRun(settings: settings).run { summary in progress.update(summary) }
/// print(report.verification.differences.isEmpty)
/// ```
struct BenchRun {
    /// What to generate and how the simulator behaves.
    struct Settings {
        var leads = 20_000
        var changes = 100_000
        var seed: UInt64 = 1
        /// Conversations over the leads (messages and summaries), and their mean messages.
        var conversations = 32_000
        var meanMessages = 5
        /// Requests per 10 seconds: the simulator's limit and the engine's cap.
        var rateLimit = 190
        /// Requests per day; nil keeps the simulator's and the engine's defaults.
        var dailyLimit: Int?
        var latencyMilliseconds = 150
        var jitterMilliseconds = 50
        var faults = FaultPlan()
        /// OAuth access-token lifetime: when set, the drain authenticates as an OAuth app and
        /// refreshes its token as `sync` does, instead of using a private-app token.
        var tokenLifetimeSeconds: Int?
        /// Another HubSpot or simulator, with the token to use there; nil starts the bundled one.
        var remote: (url: String, token: Secret)?
        /// The drain's logger (`--trace`: trace level, where the drain's time goes).
        var logger = Logger(label: "leadsync.bench")
    }

    /// Share of leads whose contact exists before the drain with a job title already set.
    static let seededShare = 0.05
    /// Share of changes carrying a value HubSpot refuses.
    static let invalidShare = 0.02
    static let seededTitle = "Seeded before the drain"
    /// HubSpot's most inputs per batch call.
    static let batchSize = 100
    /// The journal's default mappings plus a number property and an `if-empty` one.
    static let mappings =
        Mapping.defaults.filter { $0.field != "job_title" } + [
            Mapping(field: "job_title", property: "jobtitle", write: .ifEmpty),
            Mapping(field: "budget", property: "budget"),
        ]

    let settings: Settings

    func run(progress: @escaping @Sendable (_ total: Int64, DrainSummary) -> Void) async throws -> BenchReport {
        let directory = NSTemporaryDirectory() + "leadsync-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let journal = try Journal(path: directory + "/bench.db", options: JournalOptions(synchronous: .normal))
        let simulator = settings.remote == nil ? startSimulator() : nil
        defer { simulator?.stop() }
        let transport = CurlTransport()
        let authorizer = try await authorizer(simulator, transport, journal)
        let baseURL = settings.remote?.url ?? simulator!.baseURL
        let client = HubSpotClient(baseURL: baseURL, transport: transport, authorizer: authorizer)

        var spec = WorkloadSpec(leads: settings.leads, changes: settings.changes, seed: settings.seed)
        spec.invalidShare = Self.invalidShare
        let changes = Array(LeadSetGenerator(spec))
        let lines = Array(
            ConversationGenerator(
                ConversationSpec(spec, conversations: settings.conversations, meanMessages: settings.meanMessages)))
        let seeded = try await seedContacts(changes.prefix(settings.leads), client)

        for mapping in Self.mappings { try await journal.configuration.setMapping(mapping) }
        for start in stride(from: 0, to: changes.count, by: 1_000) {
            _ = try await journal.changeLog.record(
                changes[start..<min(start + 1_000, changes.count)].map {
                    LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds)
                })
        }
        for start in stride(from: 0, to: lines.count, by: 1_000) {
            _ = try await journal.conversations.record(lines[start..<min(start + 1_000, lines.count)].map(\.entry))
        }
        _ = try await journal.changeLog.fold()
        let pending = try await journal.leads.status().pendingLeads

        var options = SyncOptions()
        options.pacer.limit = settings.rateLimit
        options.pacer.limitIsCap = true
        if let daily = settings.dailyLimit {
            options.pacer.dailyLimit = daily
            options.pacer.dailyLimitIsCap = true
        }
        options.seed = settings.seed
        // The drain's requests go through a request budget, as `sync`'s do.
        let budget = try RequestBudget(configuration: options.pacer, ledgerPath: nil)
        let drainClient = HubSpotClient(
            baseURL: baseURL, transport: transport, authorizer: authorizer, admission: budget)
        let before = simulator?.counters()
        let report = try await Reconciler(
            journal: journal, gateway: HubSpotGateway(client: drainClient), options: options, logger: settings.logger
        ).run { progress(pending, $0) }
        let traffic = simulator.flatMap { simulator in before.map { BenchTraffic(from: $0, to: simulator.counters()) } }

        // The read-back is no part of the measured drain: with the bundled simulator it runs
        // without limits, latency or faults.
        simulator?.updateConfiguration {
            $0.rateLimit = nil
            $0.dailyLimit = nil
            $0.latencyMilliseconds = 0
            $0.jitterMilliseconds = 0
            $0.faults = FaultPlan()
        }
        let conversations = ExpectedConversations(lines)
        let counts = try await journal.conversations.counts()
        var verification = try await verify(changes, seeded: seeded, client)
        try await verifyNotes(conversations, pending: Int(counts.pending), &verification, client)
        return BenchReport(
            settings: settings, changes: changes.count, conversations: conversations.conversations.count,
            messages: conversations.messages, conversationsPending: Int(counts.pending), ending: report.ending,
            summary: report.summary, traffic: traffic, verification: verification)
    }

    private func startSimulator() -> HubSpotSimulator {
        var configuration = SimulatorConfiguration()
        configuration.rateLimit = .init(max: settings.rateLimit, intervalMilliseconds: 10_000)
        configuration.oauthRateLimit = configuration.rateLimit
        if let daily = settings.dailyLimit { configuration.dailyLimit = daily }
        configuration.latencyMilliseconds = settings.latencyMilliseconds
        configuration.jitterMilliseconds = settings.jitterMilliseconds
        configuration.faults = settings.faults
        configuration.seed = settings.seed
        if let lifetime = settings.tokenLifetimeSeconds { configuration.accessTokenLifetimeSeconds = lifetime }
        return HubSpotSimulator(configuration: configuration)
    }

    /// Starts the bundled simulator when there is one, and returns a private-app token, or, with
    /// a token lifetime, an OAuth grant refreshed by the same ``TokenManager`` `sync` uses.
    private func authorizer(_ simulator: HubSpotSimulator?, _ transport: CurlTransport, _ journal: Journal)
        async throws -> any HubSpotAuthorizer
    {
        guard let simulator else { return StaticTokenAuthorizer(token: settings.remote!.token) }
        _ = try simulator.start()
        let baseURL = simulator.baseURL
        guard settings.tokenLifetimeSeconds != nil else {
            let token = "pat-na1-bench-\(UUID().uuidString.lowercased())"
            simulator.registerToken(token)
            return StaticTokenAuthorizer(token: Secret(token))
        }
        let secret = Secret(UUID().uuidString)
        simulator.registerOAuthClient(id: "leadsync-bench", secret: secret.revealed)
        let redirect = "http://127.0.0.1/callback"
        let code = simulator.issueAuthorizationCode(clientId: "leadsync-bench", redirectURI: redirect)
        let oauth = HubSpotOAuth(
            baseURL: baseURL, transport: transport, clientId: "leadsync-bench", clientSecret: secret)
        let requested = Date()
        let tokens = try await oauth.exchange(code: Secret(code), redirectURI: redirect, codeVerifier: nil)
        return TokenManager(
            credentials: .oauth(tokens, clientId: "leadsync-bench", clientSecret: secret, requested: requested),
            store: nil, settings: journal.configuration, oauth: oauth)
    }

    /// Creates the contacts of every 20th lead with a valid email, with a job title already set,
    /// so `if-empty` has something to skip. Returns email → seeded title.
    private func seedContacts(_ creations: ArraySlice<GeneratedChange>, _ client: HubSpotClient) async throws
        -> [String: String]
    {
        let stride = Int((1 / Self.seededShare).rounded())
        let emails = creations.enumerated().compactMap { index, change -> String? in
            guard index % stride == stride / 2, let field = change.fields.first(where: { $0.name == "email" }) else {
                return nil
            }
            return EmailAddress(field.value.wireString)?.value
        }
        for start in Swift.stride(from: 0, to: emails.count, by: Self.batchSize) {
            let inputs = emails[start..<min(start + Self.batchSize, emails.count)].enumerated().map {
                UpsertInput(id: $1, objectWriteTraceId: "\($0)", properties: ["jobtitle": Self.seededTitle])
            }
            _ = try await Self.retryingLimits { try await client.batchUpsert(inputs) }
        }
        return Dictionary(uniqueKeysWithValues: emails.map { ($0, Self.seededTitle) })
    }

    /// Reads back every expected contact by email and lists each property that differs.
    private func verify(_ changes: [GeneratedChange], seeded: [String: String], _ client: HubSpotClient)
        async throws -> BenchReport.Verification
    {
        let definitions = Dictionary(
            try await Self.retryingLimits { try await client.contactProperties() }.value.map { ($0.name, $0) },
            uniquingKeysWith: { $1 })
        let mappings = Dictionary(uniqueKeysWithValues: Self.mappings.map { ($0.field, $0.property) })
        let expected = ExpectedContacts(changes, mappings: mappings) { property, value in
            property == Mapping.identityProperty
                ? EmailAddress(value) != nil : definitions[property].map { $0.problem(with: value) == nil } ?? false
        }
        var contacts = expected.contacts
        for (email, title) in seeded { contacts[email, default: ["email": email]]["jobtitle"] = title }

        var verification = BenchReport.Verification()
        verification.leadEmails = expected.leadEmails
        let emails = contacts.keys.sorted()
        let properties = expected.properties.sorted()
        for start in stride(from: 0, to: emails.count, by: Self.batchSize) {
            let batch = Array(emails[start..<min(start + Self.batchSize, emails.count)])
            let found = try await Self.retryingLimits {
                try await client.batchRead(ids: batch, idProperty: "email", properties: properties)
            }.value.results
            let byEmail: [String: [String: String]] = Dictionary(
                found.compactMap { contact in contact.properties["email"].map { ($0, contact.properties) } },
                uniquingKeysWith: { first, _ in first })
            for contact in found {
                if let email = contact.properties["email"] { verification.contactIds[email] = contact.id }
            }
            for email in batch {
                let want = contacts[email]!
                guard let have = byEmail[email] else {
                    verification.differences.append("\(email): no contact")
                    continue
                }
                let differing = properties.filter { (want[$0] ?? "") != (have[$0] ?? "") }
                for property in differing {
                    verification.differences.append(
                        "\(email) \(property): expected \(Self.quoted(want[property])), HubSpot has \(Self.quoted(have[property]))"
                    )
                }
                if differing.isEmpty { verification.matched += 1 }
            }
        }
        return verification
    }

    /// Reads each contact's notes (its associations, then the notes by id) and compares them with
    /// the notes of its leads' conversations rendered from the input alone: exactly one note per
    /// conversation (continuation parts aside), with every message, in order. Conversations of
    /// leads without a contact must be the ones the journal still counts as pending.
    private func verifyNotes(
        _ expected: ExpectedConversations, pending: Int, _ verification: inout BenchReport.Verification,
        _ client: HubSpotClient
    ) async throws {
        var wanted: [String: [RenderedNote]] = [:]
        var waiting = 0
        for conversation in expected.conversations.values {
            guard let email = verification.leadEmails[conversation.lead], verification.contactIds[email] != nil else {
                waiting += 1
                continue
            }
            wanted[email, default: []] += NoteRenderer.render(conversation.transcript)
        }
        if waiting != pending {
            verification.differences.append(
                "conversations pending: expected \(waiting) (leads without a contact), the journal counts \(pending)")
        }
        for email in wanted.keys.sorted() {
            let contactId = verification.contactIds[email]!
            var ids: [String] = []
            var after: String?
            repeat {
                let page = try await Self.retryingLimits {
                    try await client.contactNoteIds(contactId: contactId, after: after)
                }.value
                ids += page.ids
                after = page.nextAfter
            } while after != nil
            var found: [String] = []
            for start in stride(from: 0, to: ids.count, by: Self.batchSize) {
                let batch = Array(ids[start..<min(start + Self.batchSize, ids.count)])
                let notes = try await Self.retryingLimits {
                    try await client.batchReadNotes(ids: batch, properties: ["hs_note_body", "hs_timestamp"])
                }.value.results
                found += notes.map {
                    Self.noteKey(
                        body: $0.properties["hs_note_body"] ?? "",
                        timestamp: $0.properties["hs_timestamp"].flatMap(Timestamp.parse))
                }
            }
            let want = wanted[email]!.map { Self.noteKey(body: $0.body, timestamp: $0.timestamp) }
            var missing = Dictionary(want.map { ($0, 1) }, uniquingKeysWith: +)
            var extra = 0
            for note in found {
                if let count = missing[note], count > 0 { missing[note] = count - 1 } else { extra += 1 }
            }
            let absent = missing.values.reduce(0, +)
            if absent == 0, extra == 0 {
                verification.notesMatched += want.count
            } else {
                verification.differences.append(
                    "\(email) notes: \(absent) of \(want.count) expected missing or different, \(extra) unexpected")
            }
        }
    }

    /// A note as compared: its body and `hs_timestamp` (epoch ms).
    private static func noteKey(body: String, timestamp: Int64?) -> String {
        "\(timestamp.map(String.init) ?? "no timestamp") \(body)"
    }

    private static func quoted(_ value: String?) -> String {
        value.map { "\"\($0)\"" } ?? "no value"
    }

    /// Calls `request` again after HubSpot's rate limits or a transient failure, up to a minute:
    /// seeding and reading back are not what the bench measures.
    private static func retryingLimits<Value>(_ request: () async throws -> HubSpotResponse<Value>) async throws
        -> HubSpotResponse<Value>
    {
        for _ in 0..<60 {
            do {
                return try await request()
            } catch let error as HubSpotError {
                switch error.classification {
                case .rateLimited, .retryLater: try await Task.sleep(for: .seconds(1))
                default: throw error
                }
            } catch is TransportError {
                try await Task.sleep(for: .seconds(1))
            }
        }
        return try await request()
    }
}
