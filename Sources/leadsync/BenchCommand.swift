import ArgumentParser
import Foundation
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncSupport
import Logging
import Synchronization

/// `leadsync bench`: the demo. Generates a lead set, drains it with the real engine into the
/// bundled simulator (or `--hubspot-url`), prints the summary table and checks every contact.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Drain a generated lead set into the simulator and print what it took.",
        discussion: """
            Uses a fresh temporary journal and starts the bundled simulator in-process, unless \
            --hubspot-url names another HubSpot or simulator (the token then comes from \
            LEADSYNC_TOKEN). Exits 1 when a contact differs from the state expected from the input.
            """)

    @Option(help: "Distinct leads.") var leads = 20_000
    @Option(help: "Changes in total (the first LEADS create the leads).") var changes = 100_000
    @Option(help: "Seed of the lead set and the simulator.") var seed: UInt64 = 1
    @Option(help: "Conversations over the leads (default: 1.6 per lead).") var conversations: Int?
    @Option(help: "Mean messages per conversation.") var meanMessages = 5
    @Option(name: .customLong("rate-limit"), help: "Requests per 10 seconds, as N/10s.") var rateLimit = "190/10s"
    @Option(name: .customLong("daily-limit"), help: "Requests per day (default: HubSpot's).") var dailyLimit: Int?
    @Option(name: .customLong("latency-ms"), help: "Latency the simulator adds to every answer.") var latencyMs = 150
    @Option(
        name: .customLong("jitter-ms"), help: "Random latency either way: each answer's is the latency ± up to this.")
    var jitterMs = 50
    @Option(name: .customLong("fault-5xx"), help: "Share of requests answered with a 5xx.") var fault5xx = 0.0
    @Option(name: .customLong("fault-reset"), help: "Share of connections reset.") var faultReset = 0.0
    @Option(name: .customLong("fault-hang"), help: "Share of requests that hang, then drop.") var faultHang = 0.0
    @Option(name: .customLong("fault-429"), help: "Share of requests answered 429.") var fault429 = 0.0
    @Option(name: .customLong("fault-apply-then-drop"), help: "Share of writes applied, then left unanswered.")
    var faultApplyThenDrop = 0.0
    @Option(name: .customLong("token-lifetime"), help: "Seconds an OAuth access token lives (drains as an OAuth app).")
    var tokenLifetime: Int?
    @Option(name: .customLong("hubspot-url"), help: "Another HubSpot or simulator (token from LEADSYNC_TOKEN).")
    var hubspotURL: String?
    @Flag(help: "Print the summary as one JSON document on stdout.") var json = false
    @Flag(help: "Log each request's issue, send and answer, each record and each window read to stderr (trace).")
    var trace = false

    func validate() throws {
        guard leads > 0 else { throw ValidationError("--leads must be at least 1") }
        guard changes >= leads else { throw ValidationError("--changes must be at least --leads") }
        if let conversations, conversations < 0 { throw ValidationError("--conversations must be 0 or more") }
        guard meanMessages >= 1 else { throw ValidationError("--mean-messages must be at least 1") }
        guard rateLimitPer10Seconds != nil else { throw ValidationError("--rate-limit: expected N/10s with N > 0") }
        if let dailyLimit, dailyLimit <= 0 { throw ValidationError("--daily-limit must be positive") }
        guard latencyMs >= 0, jitterMs >= 0 else {
            throw ValidationError("--latency-ms and --jitter-ms must be 0 or more")
        }
        let shares = [
            ("--fault-5xx", fault5xx), ("--fault-reset", faultReset), ("--fault-hang", faultHang),
            ("--fault-429", fault429),
            ("--fault-apply-then-drop", faultApplyThenDrop),
        ]
        for (name, share) in shares
        where !(0...1).contains(share) {
            throw ValidationError("\(name) must be between 0 and 1")
        }
        if let tokenLifetime, tokenLifetime <= 0 { throw ValidationError("--token-lifetime must be positive") }
        if hubspotURL != nil, tokenLifetime != nil || shares.contains(where: { $0.1 > 0 }) {
            throw ValidationError("fault and token flags configure the bundled simulator; drop them with --hubspot-url")
        }
    }

    private var rateLimitPer10Seconds: Int? {
        let text = rateLimit.hasSuffix("/10s") ? String(rateLimit.dropLast(4)) : rateLimit
        return Int(text).flatMap { $0 > 0 ? $0 : nil }
    }

    func run() async throws {
        var settings = BenchRun.Settings()
        settings.leads = leads
        settings.changes = changes
        settings.seed = seed
        settings.conversations = conversations ?? leads * 8 / 5
        settings.meanMessages = meanMessages
        settings.rateLimit = rateLimitPer10Seconds!
        settings.dailyLimit = dailyLimit
        settings.latencyMilliseconds = latencyMs
        settings.jitterMilliseconds = jitterMs
        settings.faults.serverErrorRate = fault5xx
        settings.faults.resetRate = faultReset
        settings.faults.hangRate = faultHang
        settings.faults.rateLimitRate = fault429
        settings.faults.applyThenDropRate = faultApplyThenDrop
        settings.tokenLifetimeSeconds = tokenLifetime
        if trace {
            settings.logger = Logger(label: "leadsync.bench") {
                RedactingLogHandler(label: $0, level: .trace, redactor: SecretRedactor())
            }
            settings.logger.logLevel = .trace
        }
        if let hubspotURL {
            let url = try GlobalOptions.checkedURL(hubspotURL, source: "--hubspot-url")
            let token = ProcessInfo.processInfo.environment["LEADSYNC_TOKEN"] ?? ""
            guard !token.isEmpty else {
                throw CommandError(.notConnected, "--hubspot-url needs a token in LEADSYNC_TOKEN")
            }
            settings.remote = (url, Secret(token))
        }

        let progress = Mutex<ProgressReporter?>(nil)
        let report = try await BenchRun(settings: settings).run { total, summary in
            progress.withLock { reporter in
                if reporter == nil { reporter = ProgressReporter(total: total) }
                reporter!.update(summary)
            }
        }
        progress.withLock { $0?.finish() }

        if json {
            Output.json(report.json)
        } else {
            Output.data(report.table)
        }
        guard report.ending == .drained else {
            throw CommandError(.failure, "the drain did not finish: \(report.ending)")
        }
        if report.verification.differences.isEmpty {
            let line =
                "verified: \(report.verification.matched) contacts match, \(report.verification.notesMatched) notes match"
            if json { Output.note(line) } else { Output.data(line) }
        } else {
            for line in report.verification.differences.prefix(20) { Output.note(line) }
            throw CommandError(
                .failure,
                "\(report.verification.differences.count) differences from the expected contacts and notes "
                    + "(\(report.verification.matched) contacts match, \(report.verification.notesMatched) notes match)"
            )
        }
    }
}
