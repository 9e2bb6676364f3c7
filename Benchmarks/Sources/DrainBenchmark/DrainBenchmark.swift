import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncWorkload

/// Drains of generated lead sets into the in-process simulator, each figure beside baselines
/// measured in the same run:
///
/// - `unthrottled [changes] [leads]`: no limits, no latency. leadsync's drain (input changes
///   acknowledged per second, contacts per second) against a naive batch-upsert loop (each change
///   one input, 100 per call, sequential, as HubSpot's client documentation shows) and against
///   the simulator's own ceiling (pre-encoded 100-contact upserts on 8 connections).
/// - `paced [limit-per-10s] [latency-ms] [seconds]`: HubSpot's rolling limit and latency; the
///   share of the request budget used, batch fill and 429s.
/// - `live [leads] [samples]`: while a backlog of `leads` contacts drains at 190/10 s with
///   150 ± 50 ms, a change recorded now, every 300 ms, to a random lead of the backlog: how long
///   until HubSpot holds it (p50, p99, max; goal p99 ≤ 10 s), and the drain's time and requests
///   beside the same drain without those changes, in the same run (goal ≤ 2 % cost).
/// - `notes [conversations] [limit-per-10s] [latency-ms] [unique]`: a conversation backlog drained
///   as notes (created, then updated) against the fewest requests the batch size allows; not part
///   of `all` (10^5 conversations take minutes at HubSpot's limit).
///
/// Usage: `swift run -c release DrainBenchmark [all|unthrottled|paced|live|notes] …`
@main
struct DrainBenchmark {
    static let token = "pat-na1-benchmark"

    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let mode = arguments.first ?? "all"
        let numbers = arguments.dropFirst().compactMap { Int($0) }
        if mode == "all" || mode == "unthrottled" {
            try await unthrottled(
                changes: numbers.count > 0 ? numbers[0] : 100_000, leads: numbers.count > 1 ? numbers[1] : 10_000)
        }
        if mode == "live" {
            try await live(
                leads: numbers.count > 0 ? numbers[0] : 150_000, samples: numbers.count > 1 ? numbers[1] : 200)
        }
        if mode == "notes" {
            try await notes(
                conversations: numbers.count > 0 ? numbers[0] : 100_000, limit: numbers.count > 1 ? numbers[1] : 190,
                latencyMilliseconds: numbers.count > 2 ? numbers[2] : 150, unique: arguments.contains("unique"))
        }
        if mode == "all" || mode == "paced" {
            try await paced(
                limit: numbers.count > 0 && mode == "paced" ? numbers[0] : 100,
                latencyMilliseconds: numbers.count > 1 ? numbers[1] : 150, seconds: numbers.count > 2 ? numbers[2] : 30)
        }
    }

    // MARK: Unthrottled

    static func unthrottled(changes count: Int, leads: Int) async throws {
        print("unthrottled drain: \(count) changes over \(leads) leads, simulator in-process, no limits, no latency")
        let simulator = start { $0.rateLimit = nil }
        defer { simulator.stop() }
        let changes = Array(LeadSetGenerator(WorkloadSpec(leads: leads, changes: count, seed: 1)))

        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(path: directory + "/journal.db", options: JournalOptions(synchronous: .normal))
        try await ingest(changes, into: journal)

        var options = SyncOptions()
        options.pacer.limit = 1_000_000
        options.pacer.limitIsCap = true
        options.pacer.dailyLimit = 100_000_000
        options.seed = 1
        let transport = CurlTransport()
        let started = Date()
        let report = try await Reconciler(journal: journal, gateway: gateway(simulator, transport), options: options)
            .run()
        let drain = Date().timeIntervalSince(started)
        guard report.ending == .drained else { fatalError("drain ended with \(report.ending)") }

        simulator.reset()
        simulator.registerToken(token)
        let (peerChanges, peerSeconds, peerRequests) = try await naiveLoop(changes, simulator, transport)

        simulator.reset()
        simulator.registerToken(token)
        let (ceilingContacts, ceilingSeconds) = try await simulatorCeiling(simulator, transport, requests: 400)

        let ours = Double(count) / drain
        let peer = Double(peerChanges) / peerSeconds
        let contacts = Double(report.summary.delivered) / drain
        let ceiling = Double(ceilingContacts) / ceilingSeconds
        print(
            row(
                "leadsync drain", "\(Int(ours)) changes/s", "\(Int(contacts)) contacts/s",
                "\(report.summary.requests) requests, fill \(percent(report.summary.batchFill))"))
        print(row("naive upsert loop", "\(Int(peer)) changes/s", "", "\(peerRequests) requests"))
        print(row("simulator ceiling", "", "\(Int(ceiling)) contacts/s", "pre-encoded upserts, 8 connections"))
        print(
            "ratios: leadsync/naive loop = \(String(format: "%.1f", ours / peer))x (changes/s); "
                + "leadsync contacts/s / simulator ceiling = \(String(format: "%.2f", contacts / ceiling))")
        print("")
    }

    /// Each change one input keyed by its lead's email, 100 per call, one call at a time; a new
    /// call starts when an email repeats (HubSpot refuses duplicate ids in a batch). Changes of
    /// leads without an email cannot be sent this way and are skipped.
    static func naiveLoop(_ changes: [GeneratedChange], _ simulator: HubSpotSimulator, _ transport: CurlTransport)
        async throws -> (changes: Int, seconds: Double, requests: Int)
    {
        let client = HubSpotClient(
            baseURL: simulator.baseURL, transport: transport, authorizer: StaticTokenAuthorizer(token: Secret(token)))
        let properties = Dictionary(uniqueKeysWithValues: Mapping.defaults.map { ($0.field, $0.property) })
        var emails: [String: String] = [:]
        var batch: [UpsertInput] = []
        var inBatch = Set<String>()
        var sent = 0
        var requests = 0
        let started = Date()
        func flush() async throws {
            guard !batch.isEmpty else { return }
            _ = try await client.batchUpsert(batch)
            sent += batch.count
            requests += 1
            batch.removeAll(keepingCapacity: true)
            inBatch.removeAll(keepingCapacity: true)
        }
        for change in changes {
            for field in change.fields where field.name == "email" {
                emails[change.lead] = field.value.wireString.lowercased()
            }
            guard let email = emails[change.lead] else { continue }
            var values: PropertyValues = [:]
            for field in change.fields {
                if let property = properties[field.name] { values[property] = field.value.wireString }
            }
            values["email"] = nil
            if inBatch.contains(email) || batch.count == 100 { try await flush() }
            batch.append(UpsertInput(id: email, objectWriteTraceId: "\(batch.count)", properties: values))
            inBatch.insert(email)
        }
        try await flush()
        return (sent, Date().timeIntervalSince(started), requests)
    }

    /// Pre-encoded 100-contact upserts on 8 connections at once: what the simulator and the
    /// transport can take, with no client work at all.
    static func simulatorCeiling(_ simulator: HubSpotSimulator, _ transport: CurlTransport, requests: Int)
        async throws -> (contacts: Int, seconds: Double)
    {
        let bodies = (0..<8).map { worker in
            let inputs = (0..<100).map { index in
                #"{"id":"w\#(worker)-\#(index)@ceiling.example","idProperty":"email","objectWriteTraceId":"\#(index)","properties":{"firstname":"Ada","company":"Analytical Engines"}}"#
            }
            return Data(#"{"inputs":[\#(inputs.joined(separator: ","))]}"#.utf8)
        }
        let url = simulator.baseURL + "/crm/objects/2026-03/contacts/batch/upsert"
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for _ in 0..<(requests / 8) {
                        let response = try await transport.send(
                            HTTPRequest(
                                method: .post, url: url,
                                headers: ["Authorization": "Bearer " + token, "Content-Type": "application/json"],
                                body: bodies[worker]))
                        precondition(response.status == 200, "ceiling upsert answered \(response.status)")
                    }
                }
            }
            try await group.waitForAll()
        }
        return (requests / 8 * 8 * 100, Date().timeIntervalSince(started))
    }

    // MARK: Paced

    static func paced(limit: Int, latencyMilliseconds: Int, seconds: Int) async throws {
        print(
            "paced drain: limit \(limit)/10s, latency \(latencyMilliseconds) ms, \(seconds) s of a backlog larger than that"
        )
        let simulator = start {
            $0.rateLimit = .init(max: limit, intervalMilliseconds: 10_000)
            $0.latencyMilliseconds = latencyMilliseconds
        }
        defer { simulator.stop() }
        let leads = limit * seconds * 20
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(path: directory + "/journal.db", options: JournalOptions(synchronous: .normal))
        var spec = WorkloadSpec(leads: leads, changes: leads, seed: 2)
        spec.noEmailShare = 0
        let changes = Array(LeadSetGenerator(spec))
        try await ingest(changes, into: journal)

        var options = SyncOptions()
        options.pacer.limit = limit
        options.pacer.limitIsCap = true
        options.maximumDuration = .seconds(seconds)
        options.seed = 2
        let report = try await Reconciler(
            journal: journal, gateway: gateway(simulator, CurlTransport()), options: options
        )
        .run()
        let elapsed = report.summary.elapsedSeconds
        let budget = Double(limit) * elapsed / 10
        let counters = simulator.counters()
        print(
            row(
                "leadsync drain", "\(report.summary.requests) requests in \(String(format: "%.1f", elapsed)) s",
                "budget used \(percent(Double(report.summary.requests) / budget))",
                "fill \(percent(report.summary.batchFill)), 429s \(counters.rateLimited), most in any 10 s: \(counters.maxRequestsInTenSeconds)"
            ))
        print("")
    }

    // MARK: Live changes first

    static func live(leads: Int, samples: Int) async throws {
        print(
            "live changes while a backlog drains: \(leads) contacts at 190/10s, 150 ± 50 ms, \(samples) changes recorded during it"
        )
        var spec = WorkloadSpec(leads: leads, changes: leads, seed: 4)
        spec.noEmailShare = 0
        spec.invalidShare = 0
        let changes = Array(LeadSetGenerator(spec))
        var emails: [String: String] = [:]
        for change in changes {
            if let email = change.fields.first(where: { $0.name == "email" }) {
                emails[change.lead] = email.value.wireString.lowercased()
            }
        }
        let (baseline, _) = try await liveDrain(changes, emails: emails, samples: 0)
        let (sampled, latencies) = try await liveDrain(changes, emails: emails, samples: samples)
        let sorted = latencies.sorted()
        func quantile(_ q: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
        }
        print(
            row(
                "without live changes", "\(String(format: "%.1f", baseline.seconds)) s",
                "\(baseline.requests) requests",
                "\(baseline.delivered) contacts"))
        print(
            row(
                "with \(latencies.count) live changes", "\(String(format: "%.1f", sampled.seconds)) s",
                "\(sampled.requests) requests", "\(sampled.delivered) contacts"))
        print(
            "live change → HubSpot: p50 \(String(format: "%.2f", quantile(0.5))) s, p99 \(String(format: "%.2f", quantile(0.99))) s, "
                + "max \(String(format: "%.2f", sorted.last ?? .nan)) s (goal p99 <= 10 s)")
        print(
            "cost to the drain: time \(percent(sampled.seconds / baseline.seconds - 1)), "
                + "requests \(percent(Double(sampled.requests) / Double(baseline.requests) - 1)) (goal <= 2%)")
        print("")
    }

    /// Drains `changes` at 190/10 s into a fresh simulator while `samples` live changes are
    /// recorded (one every 300 ms, to random leads); returns the drain's figures and each live
    /// change's seconds from its record to HubSpot holding it.
    static func liveDrain(_ changes: [GeneratedChange], emails: [String: String], samples: Int) async throws
        -> (drain: (seconds: Double, requests: Int, delivered: Int), latencies: [Double])
    {
        let simulator = start {
            $0.rateLimit = .init(max: 190, intervalMilliseconds: 10_000)
            $0.latencyMilliseconds = 150
            $0.jitterMilliseconds = 50
        }
        defer { simulator.stop() }
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(path: directory + "/journal.db", options: JournalOptions(synchronous: .normal))
        try await ingest(changes, into: journal)
        var options = SyncOptions()
        options.seed = 4
        options.pacer.limit = 190
        options.pacer.limitIsCap = true
        let budget = try RequestBudget(configuration: options.pacer, ledgerPath: nil)
        let client = HubSpotClient(
            baseURL: simulator.baseURL, transport: CurlTransport(),
            authorizer: StaticTokenAuthorizer(token: Secret(token)),
            admission: budget)
        let reconciler = Reconciler(journal: journal, gateway: HubSpotGateway(client: client), options: options)
        let leads = changes.map(\.lead)
        let started = Date()
        async let report = reconciler.run()
        let latencies = try await withThrowingTaskGroup(of: Double.self) { group in
            var random = SplitMix64(seed: 5)
            var used = Set<String>()
            for index in 0..<samples {
                try await Task.sleep(for: .milliseconds(300))
                var lead = leads[Int(random.next() % UInt64(leads.count))]
                while !used.insert(lead).inserted { lead = leads[Int(random.next() % UInt64(leads.count))] }
                let (value, email) = ("live-\(index)", emails[lead]!)
                let recorded = Date()
                _ = try await journal.changeLog.record(lead: lead, fields: ["company": .string(value)])
                group.addTask {
                    while simulator.contact(email: email)?.properties["company"] != value {
                        guard Date().timeIntervalSince(recorded) < 300 else { break }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    return Date().timeIntervalSince(recorded)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let drained = try await report
        let seconds = Date().timeIntervalSince(started)
        guard drained.ending == .drained else { fatalError("drain ended with \(drained.ending)") }
        return ((seconds, drained.summary.requests, drained.summary.delivered), latencies)
    }

    // MARK: Helpers

    /// Appends `changes` 1,000 per transaction and folds them (outside any timed section).
    static func ingest(_ changes: [GeneratedChange], into journal: Journal) async throws {
        for start in stride(from: 0, to: changes.count, by: 1_000) {
            _ = try await journal.changeLog.record(
                changes[start..<min(start + 1_000, changes.count)].map {
                    LeadChange(lead: $0.lead, fields: $0.fieldDictionary, atMilliseconds: $0.atMilliseconds)
                })
        }
        _ = try await journal.changeLog.fold()
    }

    static func start(_ configure: (inout SimulatorConfiguration) -> Void) -> HubSpotSimulator {
        var configuration = SimulatorConfiguration()
        configuration.dailyLimit = nil
        configuration.searchPerSecond = nil
        configure(&configuration)
        let simulator = HubSpotSimulator(configuration: configuration)
        simulator.registerToken(token)
        _ = try! simulator.start()
        return simulator
    }

    static func gateway(_ simulator: HubSpotSimulator, _ transport: CurlTransport) -> HubSpotGateway {
        HubSpotGateway(
            client: HubSpotClient(
                baseURL: simulator.baseURL, transport: transport,
                authorizer: StaticTokenAuthorizer(token: Secret(token))))
    }

    static func scratchDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "leadsync-drain-benchmark-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func row(_ columns: String...) -> String {
        zip(columns, [22, 26, 30, 0]).map { text, width in
            text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0)
        }
        .joined()
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
}
