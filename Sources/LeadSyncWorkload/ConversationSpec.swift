/// What conversations to generate over a lead set. The same spec always yields the same lines.
package struct ConversationSpec: Sendable, Hashable {
    /// Conversations in total, each on a lead drawn uniformly from the lead set (so some fall on
    /// leads that never get an email, and wait).
    package var conversations: Int
    /// Mean messages per conversation: each gets 1…2·mean−1, uniformly.
    package var meanMessages: Int
    /// Distinct leads the conversations fall on (the lead set's).
    package var leads: Int
    package var seed: UInt64
    /// Share of conversations that get a summary (a few of them twice, out of order, or removed).
    package var summaryShare = 0.3
    /// Share of messages an edge device sends twice (same id: a counted duplicate).
    package var duplicateShare = 0.01
    /// Share of conversations whose messages are long enough to need continuation notes.
    package var longShare = 0.002
    /// Share of conversations whose last message arrives before the one said earlier.
    package var lateShare = 0.02
    /// When the first conversation may start, epoch milliseconds, and over how long they start.
    package var startMilliseconds: Int64
    package var spanMilliseconds: Int64

    /// Conversations over `workload`'s leads and time span.
    package init(_ workload: WorkloadSpec, conversations: Int, meanMessages: Int = 5) {
        self.conversations = max(0, conversations)
        self.meanMessages = max(1, meanMessages)
        leads = workload.leads
        seed = workload.seed
        startMilliseconds = workload.startMilliseconds
        spanMilliseconds = max(1, Int64(workload.changes) * workload.stepMilliseconds)
    }
}
