package import Foundation
package import LeadSyncJournal
import Metrics
import Synchronization

/// A sync's figures through swift-metrics, for whatever backend the process bootstrapped (the
/// library never bootstraps one; `sync --follow --listen` installs Prometheus). Counters come
/// from the sync's ``SyncEvents``; the journal's gauges are read on demand
/// (``recordJournalGauges()``, e.g. at each scrape). Request counts, 429s, latency and the
/// budget HubSpot reports are recorded by the HubSpot client itself, token refreshes by the
/// `TokenManager`; docs/operations.md lists every metric.
///
/// ```swift
/// let metrics = SyncMetrics(journal: journal, events: events)   // before the sync runs
/// async let counting: Void = metrics.run()                      // until cancelled
/// try await metrics.recordJournalGauges()                        // before exporting
/// ```
package final class SyncMetrics: Sendable {
    package let journal: Journal
    private let stream: AsyncStream<SyncEvent>
    /// The oldest pending value's time, and when it was read: the read scans pending leads, so
    /// scrapes closer together than `oldestPendingRefresh` reuse it (the age may then be up to
    /// that much too old while a backlog drains; it is 0 as soon as nothing sendable is pending).
    private let oldestPending = Mutex<(at: Int64?, readAt: Date)?>(nil)
    let oldestPendingRefresh: TimeInterval = 30

    package init(journal: Journal, events: SyncEvents) {
        self.journal = journal
        self.stream = events.subscribe(buffering: .unbounded)
        // Every series exists from the first scrape, so rates and alerts need no special case.
        for label in Self.counters { Counter(label: label).increment(by: 0) }
        for reason in Self.pauseReasons { Gauge(label: "leadsync_paused", dimensions: [("reason", reason)]).record(0) }
    }

    private static let pauseReasons = ["reconnection", "daily_limit"]
    private static let counters = [
        "leadsync_delivered_values_total", "leadsync_delivered_leads_total", "leadsync_rejected_values_total",
        "leadsync_skipped_values_total", "leadsync_retries_total",
    ]

    /// Counts the sync's events until cancelled.
    package func run() async {
        for await event in stream { record(event) }
    }

    func record(_ event: SyncEvent) {
        switch event {
        case .recorded(let outcomes):
            var (delivered, rejected, skipped, leads) = (0, 0, 0, 0)
            for outcome in outcomes {
                var any = false
                for field in outcome.fields {
                    switch field.result {
                    case .delivered:
                        delivered += 1
                        any = true
                    case .rejected: rejected += 1
                    case .skipped: skipped += 1
                    }
                }
                if any { leads += 1 }
            }
            Counter(label: "leadsync_delivered_values_total").increment(by: delivered)
            Counter(label: "leadsync_delivered_leads_total").increment(by: leads)
            Counter(label: "leadsync_rejected_values_total").increment(by: rejected)
            Counter(label: "leadsync_skipped_values_total").increment(by: skipped)
        case .requestAnswered(failure: .transient?), .requestAnswered(failure: .rateLimited(daily: false, _)?):
            // Both are sent again after a backoff or the rate-limit window.
            Counter(label: "leadsync_retries_total").increment()
        case .requestAnswered:
            break
        case .paused(let pause):
            let reason = if case .dailyLimit = pause { "daily_limit" } else { "reconnection" }
            Gauge(label: "leadsync_paused", dimensions: [("reason", reason)]).record(1)
        case .resumed:
            for reason in Self.pauseReasons {
                Gauge(label: "leadsync_paused", dimensions: [("reason", reason)]).record(0)
            }
        case .caughtUp:
            break
        }
    }

    /// Reads the journal's counters and file size into gauges: pending changes, leads and
    /// conversations, awaiting identity, rejected, the oldest pending value's age, the journal's
    /// bytes on disk (file and write-ahead log).
    package func recordJournalGauges(now: Date = Date()) async throws {
        let status = try await journal.leads.status()
        let conversations = try await journal.conversations.counts()
        let sendable = status.pendingLeads - status.awaitingIdentity - status.unmatched
        Gauge(label: "leadsync_pending_changes").record(status.pendingChanges)
        Gauge(label: "leadsync_pending_leads").record(sendable)
        Gauge(label: "leadsync_awaiting_identity_leads").record(status.awaitingIdentity)
        Gauge(label: "leadsync_pending_conversations").record(conversations.pending)
        Gauge(label: "leadsync_rejected_values").record(status.rejected + conversations.rejected)
        Gauge(label: "leadsync_journal_entries").record(status.journalEntries)
        let cached = oldestPending.withLock { cached in
            cached.flatMap { now.timeIntervalSince($0.readAt) < oldestPendingRefresh ? $0.at : nil }
        }
        let oldest: Int64?
        if sendable <= 0 {
            oldest = nil
        } else if let cached {
            oldest = cached
        } else {
            oldest = try await journal.leads.oldestPendingAt()
            oldestPending.withLock { $0 = (oldest, now) }
        }
        let age = oldest.map { max(0, now.timeIntervalSince1970 - Double($0) / 1000) } ?? 0
        Gauge(label: "leadsync_oldest_pending_age_seconds").record(age)
        let bytes = [journal.path, journal.path + "-wal"].reduce(Int64(0)) { sum, path in
            sum + (((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
        Gauge(label: "leadsync_journal_bytes").record(bytes)
    }
}
