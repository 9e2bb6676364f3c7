/// What lead set to generate. The same spec always yields the same changes.
package struct WorkloadSpec: Sendable, Hashable {
    /// Distinct leads (N).
    package var leads: Int
    /// Changes in total (M). The first N changes create each lead once; the rest update leads
    /// chosen with `skew`.
    package var changes: Int
    package var seed: UInt64
    /// How unevenly the updates fall on leads: 1 is uniform, larger values concentrate them on
    /// fewer leads (lead `⌊N · u^skew⌋` for uniform `u`). Default 2: a few leads get many
    /// changes, as chat conversations do.
    package var skew: Double = 2
    /// Share of leads that never get an email (they wait as awaiting identity). Default 0.05.
    package var noEmailShare: Double = 0.05
    /// Share of changes carrying one value the remote would refuse (a malformed email, a budget
    /// that is not a number). Default 0.
    package var invalidShare: Double = 0
    /// Share of updates whose `at` lies before the lead's earlier changes (a device that was
    /// offline delivering late). Default 0.01.
    package var lateShare: Double = 0.01
    /// `at` of the first change, epoch milliseconds. Default 2026-11-28T00:00:00Z.
    package var startMilliseconds: Int64 = 1_795_824_000_000
    /// Time between consecutive changes. Default 50 ms.
    package var stepMilliseconds: Int64 = 50

    package init(leads: Int, changes: Int, seed: UInt64) {
        self.leads = max(1, leads)
        self.changes = max(0, changes)
        self.seed = seed
    }
}
