import ArgumentParser
import CLeadSyncMalloc
import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import Logging
import Metrics
import Prometheus
import Synchronization

/// `leadsync sync --once | --follow`: drain the journal into HubSpot.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Push pending lead changes to HubSpot, once or continuously.",
        discussion: """
            --once pushes everything sendable and exits: 0 when nothing sendable is left, 3 when \
            HubSpot access must be (re)connected, 4 at the daily limit, 5 when --max-seconds ran out \
            with changes left, 1 when nothing succeeded for --give-up-after (or a scope is missing). \
            --follow keeps pushing new changes until SIGINT or SIGTERM, compacting delivered history \
            older than --retain every 10 minutes, and warns (status: stalled_since) when sendable \
            changes wait with nothing recorded for --stall-after; with --listen it serves /livez, \
            /readyz, /metrics (Prometheus) and /status. One sync runs per journal.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Push everything sendable, then exit.") var once = false
    @Flag(help: "Keep running, pushing new changes as they arrive.") var follow = false
    @Option(name: .customLong("max-seconds"), help: "Start no new batch after N seconds (exit 5 if changes are left).")
    var maxSeconds: Double?
    @Option(
        name: .customLong("give-up-after"),
        help: "Exit 1 when no request has succeeded for this long (e.g. 90s, 5m, 1h).")
    var giveUpAfter: DurationText = DurationText(seconds: 300)
    @Flag(help: "Print the summary as one JSON document on stdout.") var json = false
    @Option(
        help: ArgumentHelp(
            "With --follow: serve /livez, /readyz, /metrics and /status on HOST:PORT (port 0 picks one).",
            valueName: "host:port"))
    var listen: ListenAddress?
    @Option(
        name: .customLong("stall-after"),
        help: "With --follow: a stall when sendable changes wait this long with nothing recorded.")
    var stallAfter: DurationText = DurationText(seconds: 900)
    @Option(help: "With --follow: compact delivered history older than this (e.g. 30d, 12h).")
    var retain: DurationText = DurationText(seconds: 30 * 86_400, text: "30d")

    func validate() throws {
        guard once != follow else { throw ValidationError("give exactly one of --once and --follow") }
        if let maxSeconds, maxSeconds <= 0 { throw ValidationError("--max-seconds must be positive") }
        if listen != nil && !follow { throw ValidationError("--listen needs --follow") }
    }

    /// SQLite's page cache for a sync: it reads and writes windows of 500 pending leads in id
    /// order, which a small cache holds; the default's 8 MiB serve the fold of a large ingest.
    /// With 8 MiB, `sync --once` peaked well above its 64 MB goal; 1 MiB is as fast, and 256 KiB
    /// (with a trim after every answer) lowered nothing at 10^7 changes (docs/benchmarks.md).
    static let journalCacheKiB = 1_024

    /// The least time between two `malloc_trim`s, which hand the heap's free pages back to the
    /// system. Freed pages scattered through glibc's arenas otherwise stay resident: at 10^6
    /// leads trimming every fifth answer took the sync's peak RSS from 76 to 70 MB. Counted in
    /// time, not answers: an unthrottled drain answers hundreds of times a second, and trimming
    /// every fifth answer cost a tenth of its CPU at 10^5 leads (pages handed back, then faulted
    /// in again), while every 250 ms kept the peak at 10^7 changes within 0.3 MB of it
    /// (docs/benchmarks.md, issue 11).
    static let trimInterval = Duration.milliseconds(250)

    func run() async throws {
        try await global.withWorkspace(cacheKiB: Self.journalCacheKiB) { workspace in
            let logger = try global.logger("leadsync.sync")
            switch workspace.kind {
            case .file(let journal, _):
                let lock: SyncLock
                do {
                    lock = try SyncLock(journalPath: journal.path)
                } catch let error as SyncError {
                    throw CommandError(.failure, error.message)
                }
                defer { lock.release() }
                try await drain(workspace, journal: journal, lease: nil, logger: logger)
            case .tenant:
                if follow {
                    throw CommandError(
                        .usage,
                        "--follow works on a SQLite journal (--db): a PostgreSQL store's tenants are followed by `leadsync serve --store …`"
                    )
                }
                try await global.withLease(on: workspace, for: "sync", logger: logger) { leased, lease in
                    try await drain(leased, journal: nil, lease: lease, logger: logger)
                }
            }
        }
    }

    /// Drains `workspace` (a tenant opened with its `lease`) and maps the ending to the exit
    /// status; `journal`: the journal file, which `--follow` watches and compacts.
    private func drain(_ workspace: Workspace, journal: Journal?, lease: CommandLease?, logger: Logger) async throws {
        let transport = CurlTransport()
        let budget = try await global.requestBudget(workspace: workspace)
        let access = try await global.hubspotAccess(
            workspace: workspace, transport: transport, budget: budget, logger: logger)
        var options = SyncOptions()
        options.follow = follow
        options.maximumDuration = maxSeconds.map { .milliseconds(Int64($0 * 1000)) }
        options.giveUpAfter = .milliseconds(Int64(giveUpAfter.seconds * 1000))
        options.pacer = try await global.pacerConfiguration(journal: workspace.stores)
        let events = SyncEvents()
        let daemon = try journal.flatMap { journal in
            try follow ? FollowDaemon(sync: self, journal: journal, events: events, logger: logger) : nil
        }
        let reconciler = Reconciler(
            journal: workspace.stores, gateway: access.gateway(), options: options,
            logger: logger, events: events)
        lease?.onLost { reconciler.requestStop() }

        let received = Mutex<Int32?>(nil)
        let signals = SignalRelay([SIGINT, SIGTERM]) { number in
            received.withLock { $0 = $0 ?? number }
            daemon?.health.stopping()
            reconciler.requestStop()
        }
        defer { signals.cancel() }
        let progress = ProgressReporter(total: try await workspace.leads.status().pendingLeads)
        let background = daemon.map { daemon in Task { await daemon.run() } }
        let report: SyncReport
        let latest = Mutex(DrainSummary())
        let trim = Mutex(Throttle(every: Self.trimInterval, last: .now))
        do {
            report = try await reconciler.run { summary in
                latest.withLock { $0 = summary }
                progress.update(summary)
                if trim.withLock({ $0.take(at: .now) }) { leadsync_trim_malloc() }
            }
        } catch {
            await daemon?.stop(background)
            progress.finish()
            // What HubSpot acknowledged before the failure (a journal that failed may not have
            // recorded all of it: the next sync sends those leads again).
            Output.note("before it stopped: \(latest.withLock { $0 }.text)")
            if let lease, lease.isLost { throw CommandError(.failure, lease.lostMessage) }
            throw error
        }
        await daemon?.stop(background)
        progress.finish()
        print(report)
        if let lease, lease.isLost { throw CommandError(.failure, lease.lostMessage) }
        switch report.ending {
        case .drained, .stopped: return
        case .interrupted:
            let number = received.withLock { $0 } ?? SIGTERM
            throw CommandError(
                number == SIGINT ? .interrupted : .terminated,
                "stopped by \(number == SIGINT ? "SIGINT" : "SIGTERM"); changes are left (run sync again)")
        case .deadlineReached:
            throw CommandError(.timeLimit, "stopped by --max-seconds; changes are left (run sync again)")
        case .reconnectionRequired(let message):
            throw CommandError(.notConnected, global.refusedAccessMessage(message))
        case .dailyLimit(let resetAt):
            throw CommandError(
                .dailyLimit, "HubSpot's daily request limit is spent; it resets at \(Timestamp.format(resetAt))")
        case .gaveUp(let lastError):
            throw CommandError(.failure, "no request succeeded for \(giveUpAfter.text); last error: \(lastError)")
        case .missingScopes(let scopes, let message):
            throw CommandError(
                .failure, "HubSpot refused: the token lacks the scope \(scopes.joined(separator: ", ")) (\(message))")
        case .untrusted:
            throw CommandError(.failure, "\(report.ending); changes stay pending")
        }
    }

    private func print(_ report: SyncReport) {
        let summary = report.summary
        if json {
            Output.json(
                .object([
                    ("delivered", .integer(Int64(summary.delivered))),
                    ("delivered_values", .integer(Int64(summary.deliveredValues))),
                    ("rejected", .integer(Int64(summary.rejected))),
                    ("skipped", .integer(Int64(summary.skipped))),
                    ("awaiting_identity", .integer(Int64(summary.awaitingIdentity))),
                    ("unmatched", .integer(Int64(summary.unmatched))),
                    ("requests", .integer(Int64(summary.requests))),
                    ("rate_limited", .integer(Int64(summary.rateLimited))),
                    ("batch_fill", .number(String(format: "%.3f", summary.batchFill))),
                    ("elapsed_seconds", .number(String(format: "%.3f", summary.elapsedSeconds))),
                ]))
        } else {
            Output.note(summary.text)
        }
    }
}

extension DrainSummary {
    /// The summary a person reads after a drain.
    var text: String {
        """
        delivered \(Output.count(delivered, "record")) (\(Output.count(deliveredValues, "value"))), \
        rejected \(Output.count(rejected, "value")), skipped \(skipped), awaiting identity \(awaitingIdentity), \
        unmatched \(unmatched); \(Output.count(requests, "request")), \(rateLimited) 429s, batch fill \(Int((batchFill * 100).rounded()))%, \
        \(String(format: "%.1f", elapsedSeconds)) s
        """
    }
}

/// A duration as a user writes it: `90`, `90s`, `5m`, `1h`, `30d`.
struct DurationText: ExpressibleByArgument {
    var seconds: Double
    var text: String

    init(seconds: Double, text: String? = nil) {
        self.seconds = seconds
        self.text = text ?? "\(Int(seconds))s"
    }

    /// How `--help` shows the default: as a user writes it, not as a Swift value.
    var defaultValueDescription: String { text }

    init?(argument: String) {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let unit = argument.last.flatMap { units[$0] }
        guard let number = Double(unit == nil ? argument : String(argument.dropLast())), number > 0 else { return nil }
        seconds = number * (unit ?? 1)
        text = argument
    }
}

/// Runs `handler` with the signal's number on SIGINT/SIGTERM instead of dying, so a sync stops
/// cleanly.
final class SignalRelay {
    private let sources: [any DispatchSourceSignal]

    init(_ signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { handler(number) }
            source.resume()
            return source
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}

/// The progress line on a terminal's stderr, redrawn at most five times a second; silent when
/// stderr is not a terminal.
final class ProgressReporter: Sendable {
    private let line: ProgressLine
    private let started = Date()
    private let state = Mutex((redraw: Throttle(every: .milliseconds(200)), drawn: false))
    private let enabled = isatty(STDERR_FILENO) != 0

    init(total: Int64) {
        line = ProgressLine(total: Int(total))
    }

    func update(_ summary: DrainSummary) {
        guard enabled else { return }
        let due = state.withLock { state in
            guard state.redraw.take(at: .now) else { return false }
            state.drawn = true
            return true
        }
        guard due else { return }
        let text = line.render(summary, elapsedSeconds: Date().timeIntervalSince(started))
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
    }

    func finish() {
        if state.withLock({ $0.drawn }) { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

extension GlobalOptions {
    /// The pacer's limits: `--rate-limit` and `--daily-limit` as caps when given, the account's
    /// time zone (recorded at `connect`) for the daily reset.
    func pacerConfiguration(journal: any JournalStores) async throws -> Pacer.Configuration {
        var configuration = try pacerLimits()
        try await configuration.adoptAccountTimeZone(of: journal)
        return configuration
    }

    /// `--rate-limit` and `--daily-limit` as caps when given, for any account (`serve` adds each
    /// tenant's time zone).
    func pacerLimits() throws -> Pacer.Configuration {
        var configuration = Pacer.Configuration()
        if let limit = try resolvedRateLimit() {
            configuration.limit = limit
            configuration.limitIsCap = true
        }
        if let daily = try resolvedDailyLimit() {
            configuration.dailyLimit = daily
            configuration.dailyLimitIsCap = true
        }
        return configuration
    }
}
