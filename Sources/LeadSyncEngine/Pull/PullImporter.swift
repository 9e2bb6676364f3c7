package import HubSpotAPI
internal import LeadSyncHTTP
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging

/// Imports HubSpot contacts as leads (`leadsync pull`): a full pull by list paging, resumable from
/// a checkpoint and paced under the account's 10-second and daily limits (`Pacer`), then
/// incremental pulls by search on `lastmodifieddate` (`IncrementalPullPlanner`), paced under
/// search's own per-second limit (`SearchPacer`).
///
/// Each page is linked (`ContactLink`), merged by the conflict table (`PullMerge`) and written with
/// the pull's progress in one journal transaction (`Journal.applyPulled`), so a pull killed at any
/// moment resumes where its last page ended, without duplicates or gaps.
///
/// ```swift
/// let importer = PullImporter(journal: journal, client: client)
/// let counts = try await importer.run(full: false)
/// print(counts.json)  // {"created": 3, "linked": 1, "updated": 0, "unchanged": 12}
/// ```
package struct PullImporter: Sendable {
    package struct Configuration: Sendable, Hashable {
        /// Contacts per list page. Default 100: list's maximum.
        package var listPageSize = 100
        /// Search windows, page size and overlap of incremental pulls.
        package var incremental = IncrementalPullPlanner.Configuration()
        /// Search requests per second. Default 5: HubSpot's search limit per account.
        package var searchRequestsPerSecond = 5
        /// The account's 10-second and daily limits, for list requests (search is exempt).
        package var pacer = Pacer.Configuration()
        /// Attempts per read before a transient failure (5xx, timeout, reset, 429) ends the pull.
        /// Default 6, about 30 s of waiting; the pull resumes where it stopped when run again.
        package var maximumAttempts = 6

        package init() {}
    }

    /// Where a running pull stands, reported after every page.
    package struct Progress: Sendable, Hashable {
        /// True for a full pull, false for an incremental one.
        package var full: Bool
        /// Contacts read from HubSpot so far (before rules and de-duplication).
        package var read: Int
        package var counts: PullCounts
    }

    private let journal: any JournalStores
    private let client: HubSpotClient
    private let clock: any WallClock
    private let configuration: Configuration
    private let logger: Logger

    package init(
        journal: any JournalStores, client: HubSpotClient, clock: any WallClock = SystemWallClock(),
        configuration: Configuration = Configuration(), logger: Logger = Logger(label: "leadsync.pull")
    ) {
        self.journal = journal
        self.client = client
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs one pull. An interrupted full pull is resumed first, whatever `full` says; otherwise a
    /// full pull runs when `full` is true or no pull has completed yet, and an incremental one
    /// otherwise.
    ///
    /// - Returns: what the pull did, each contact counted once (cli-contract.md).
    /// - Throws: `PullError` for an unusable rule or answer, `HubSpotError` or `TransportError`
    ///   when HubSpot refused or stayed unreachable, `JournalError`/`SQLiteError` from the journal;
    ///   every page processed before stays processed.
    package func run(full: Bool, progress: @Sendable (Progress) -> Void = { _ in }) async throws -> PullCounts {
        var session = try await PullSession(journal: journal)
        if let stored = session.settings[.fullPullCheckpoint] {
            try await fullPull(from: try FullPullCheckpoint(stored: stored), &session, progress)
        } else if !full, let cursor = session.settings[.pullCursor].flatMap(PropertyInstant.epochMilliseconds) {
            try await incrementalPull(from: cursor, &session, progress)
        } else {
            let checkpoint = FullPullCheckpoint(startedAt: now, after: nil)
            try await journal.ledger.applyPulled([], settings: [.fullPullCheckpoint: checkpoint.stored])
            try await fullPull(from: checkpoint, &session, progress)
        }
        try await journal.configuration.setSetting(.lastPullAt, Timestamp.format(clock.now))
        logger.info(
            "pull finished",
            metadata: [
                "pull.created": "\(session.counts.created)", "pull.linked": "\(session.counts.linked)",
                "pull.updated": "\(session.counts.updated)", "pull.unchanged": "\(session.counts.unchanged)",
            ])
        return session.counts
    }

    private var now: Int64 { Timestamp.epochMilliseconds(clock.now) }

    private func fullPull(
        from start: FullPullCheckpoint, _ session: inout PullSession, _ progress: (Progress) -> Void
    ) async throws {
        logger.debug("full pull", metadata: ["pull.after": "\(start.after ?? "-")"])
        var checkpoint = start
        let properties = session.properties
        var pacer = Pacer(configuration: configuration.pacer, now: clock.now)
        while true {
            let after = checkpoint.after
            let page = try await read("contacts.list") {
                try await waitForTurn(&pacer)
                pacer.recordSend(now: clock.now)
                // HubSpot has counted the request once it answered, or failed to.
                defer { pacer.recordCompletion(now: clock.now) }
                let response = try await client.listContacts(
                    after: after, limit: configuration.listPageSize, properties: properties)
                if let headers = response.rateLimit { pacer.observe(headers, now: clock.now) }
                return response
            }.value
            session.read += page.results.count
            let settings: [SettingKey: String?]
            if let next = page.nextAfter {
                checkpoint = FullPullCheckpoint(startedAt: checkpoint.startedAt, after: next)
                settings = [.fullPullCheckpoint: checkpoint.stored]
            } else {
                // Contacts modified while the list was read are the next incremental pull's.
                settings = [
                    .fullPullCheckpoint: nil, .pullCursor: Timestamp.format(epochMilliseconds: checkpoint.startedAt),
                ]
            }
            try await session.process(
                try page.results.map { contact throws(PullError) in try PulledContact(contact) },
                skippingProcessed: false, settings: settings)
            progress(Progress(full: true, read: session.read, counts: session.counts))
            if page.nextAfter == nil { return }
        }
    }

    private func incrementalPull(
        from cursor: Int64, _ session: inout PullSession, _ progress: (Progress) -> Void
    ) async throws {
        var planner = IncrementalPullPlanner(
            cursor: cursor, upperBound: now, properties: session.properties,
            ruleFilters: session.filters.compactMap(\.searchFilter), configuration: configuration.incremental)
        var pacer = SearchPacer(requestsPerSecond: configuration.searchRequestsPerSecond, now: now)
        logger.debug("incremental pull", metadata: ["pull.cursor": "\(Timestamp.format(epochMilliseconds: cursor))"])
        while let query = planner.nextQuery {
            let page = try await read("contacts.search") {
                let wait = pacer.delay(now: now)
                if wait > 0 { try await clock.sleep(for: .milliseconds(wait)) }
                pacer.started(at: now)
                defer { pacer.answered(at: now) }
                return try await client.searchContacts(query)
            }.value
            session.read += page.results.count
            let fresh = try planner.accept(page.results.map { contact throws(PullError) in try PulledContact(contact) })
            try await session.process(
                fresh, skippingProcessed: true,
                settings: [.pullCursor: Timestamp.format(epochMilliseconds: planner.cursor)])
            progress(Progress(full: false, read: session.read, counts: session.counts))
        }
    }

    /// Sleeps until `pacer` lets a request go under the account's limits.
    ///
    /// - Throws: `PullError.dailyLimitReached` when the day's budget is spent.
    private func waitForTurn(_ pacer: inout Pacer) async throws {
        while true {
            switch pacer.decide(now: clock.now) {
            case .now:
                return
            case .at(let date):
                try await clock.sleep(for: .milliseconds(max(1, Int64(date.timeIntervalSince(clock.now) * 1000))))
            case .dailyLimitReached(let reset):
                throw PullError(
                    .dailyLimitReached,
                    "the account's daily request limit is spent until \(Timestamp.format(reset)); pull resumes where it stopped"
                )
            }
        }
    }

    /// Sends one read, waiting out 429s (`Retry-After` or the policy's window) and retrying
    /// transient failures with exponential waits (0.5 s doubling, at most 8 s), up to
    /// `maximumAttempts`. Reads are idempotent, so any transport failure may be retried. A daily
    /// limit, a refused token or a refused request ends the pull at once.
    private func read<T>(_ operation: String, _ send: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            let wait: Duration
            do {
                return try await send()
            } catch let error as HubSpotError {
                switch error.classification {
                case .rateLimited(let policy, let window) where policy != "DAILY": wait = window ?? .seconds(1)
                case .retryLater(let after): wait = after ?? Self.backoff(attempt)
                default: throw error
                }
                guard attempt < configuration.maximumAttempts else { throw error }
                logger.info(
                    "pull read failed, retrying",
                    metadata: ["pull.operation": "\(operation)", "hubspot.status": "\(error.status)"])
            } catch let error as TransportError where error.isTransient {
                guard attempt < configuration.maximumAttempts else { throw error }
                wait = Self.backoff(attempt)
                logger.info(
                    "pull read failed, retrying",
                    metadata: ["pull.operation": "\(operation)", "transport.kind": "\(error.kind.rawValue)"])
            }
            try await clock.sleep(for: wait)
            attempt += 1
        }
    }

    private static func backoff(_ attempt: Int) -> Duration { .milliseconds(500 << min(attempt - 1, 4)) }
}
