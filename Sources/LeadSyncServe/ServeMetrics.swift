package import LeadSyncEngine
internal import Metrics
internal import Synchronization

/// What a worker reports through swift-metrics (`/metrics` of `leadsync serve --listen`), per
/// tenant (`leadsync_serve_tenant_…{tenant="…"}`) and in total (`leadsync_serve_…`). Only
/// tenants this worker drained appear; the store's other tenants are other workers' to report.
package final class ServeMetrics: Sendable {
    private let held = Mutex(0)
    private let drainCount = Mutex(0)
    private let pullCount = Mutex(0)
    private let leasesHeld = Gauge(label: "leadsync_serve_leases_held")

    package init() {}

    func leased(_ tenant: String) {
        leasesHeld.record(
            held.withLock {
                $0 += 1
                return $0
            })
    }

    func released(_ tenant: String) {
        leasesHeld.record(
            held.withLock {
                $0 -= 1
                return $0
            })
    }

    func lost(_ tenant: String) { count("leases_lost", tenant, 1) }

    func failed(_ tenant: String) { count("drain_failures", tenant, 1) }

    /// Drains this worker finished (any ending).
    package var drains: Int { drainCount.withLock { $0 } }

    func drained(_ tenant: String, _ summary: DrainSummary) {
        drainCount.withLock { $0 += 1 }
        count("drains", tenant, 1)
        count("contacts_delivered", tenant, summary.delivered)
        count("values_rejected", tenant, summary.rejected)
        count("notes_written", tenant, summary.notesCreated + summary.notesUpdated)
        count("requests", tenant, summary.requests)
    }

    /// Pulls this worker finished.
    package var pulls: Int { pullCount.withLock { $0 } }

    func pulled(_ tenant: String, _ counts: PullCounts) {
        pullCount.withLock { $0 += 1 }
        count("pulls", tenant, 1)
        count("contacts_pulled", tenant, counts.created + counts.linked + counts.updated)
    }

    func pullFailed(_ tenant: String) { count("pull_failures", tenant, 1) }

    func pending(_ tenant: String, _ leads: Int64?) {
        guard let leads else { return }
        Gauge(label: "leadsync_serve_tenant_pending_leads", dimensions: [("tenant", tenant)]).record(leads)
    }

    /// Adds `value` to the tenant's counter `name` and to the total.
    private func count(_ name: String, _ tenant: String, _ value: Int) {
        guard value > 0 else { return }
        Counter(label: "leadsync_serve_\(name)_total").increment(by: value)
        Counter(label: "leadsync_serve_tenant_\(name)_total", dimensions: [("tenant", tenant)]).increment(by: value)
    }
}
