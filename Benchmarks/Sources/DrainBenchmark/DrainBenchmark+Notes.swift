import Foundation
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncWorkload

/// `notes [conversations] [limit-per-10s] [latency-ms] [unique]`: a backlog of conversations
/// drained as notes under HubSpot's rolling limit, in two phases — every conversation's note
/// created, then every conversation grown by one message and its note updated. Beside each
/// phase's write requests it prints the minimum HubSpot's batch size allows for the notes
/// written (⌈notes / 100⌉ per kind) and the time a sender using the whole limit would need.
extension DrainBenchmark {
    static func notes(conversations count: Int, limit: Int, latencyMilliseconds: Int, unique: Bool) async throws {
        print(
            "notes backlog: \(count) conversations, limit \(limit)/10s, latency \(latencyMilliseconds) ms, "
                + "unique note properties \(unique ? "allowed" : "refused")")
        let simulator = start {
            $0.rateLimit = .init(max: limit, intervalMilliseconds: 10_000)
            $0.latencyMilliseconds = latencyMilliseconds
            $0.allowUniqueNoteProperties = unique
        }
        defer { simulator.stop() }
        let directory = try scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let journal = try Journal(path: directory + "/journal.db", options: JournalOptions(synchronous: .normal))

        var spec = WorkloadSpec(leads: max(1, count / 5), changes: max(1, count / 5), seed: 3)
        spec.noEmailShare = 0
        try await ingest(Array(LeadSetGenerator(spec)), into: journal)
        var conversationSpec = ConversationSpec(spec, conversations: count, meanMessages: 3)
        conversationSpec.longShare = 0
        let lines = Array(ConversationGenerator(conversationSpec))
        try await record(lines.map(\.entry), into: journal)
        let expected = ExpectedConversations(lines)

        try await phase("create", journal, simulator, limit: limit)
        let followUps = expected.conversations.map { id, conversation in
            ConversationEntry(
                lead: conversation.lead, conversation: id,
                atMilliseconds: (conversation.transcript.messages.last?.at ?? 0) + 3_600_000,
                message: .init(id: "follow-up", from: "agent", text: "Following up on our call: the quote is attached.")
            )
        }
        try await record(followUps, into: journal)
        try await phase("update", journal, simulator, limit: limit)
        print("")
    }

    private static func record(_ entries: [ConversationEntry], into journal: Journal) async throws {
        for start in stride(from: 0, to: entries.count, by: 1_000) {
            _ = try await journal.conversations.record(Array(entries[start..<min(start + 1_000, entries.count)]))
        }
    }

    /// One `sync --once` over the backlog, and what it sent by the simulator's count.
    private static func phase(_ name: String, _ journal: Journal, _ simulator: HubSpotSimulator, limit: Int)
        async throws
    {
        let before = simulator.counters()
        var options = SyncOptions()
        options.pacer.limit = limit
        options.pacer.limitIsCap = true
        options.seed = 3
        let report = try await Reconciler(
            journal: journal, gateway: gateway(simulator, CurlTransport()), options: options
        ).run()
        guard report.ending == .drained else { fatalError("\(name) phase ended with \(report.ending)") }
        let after = simulator.counters()
        func sent(_ endpoint: String) -> Int { after.count(endpoint) - before.count(endpoint) }
        let writes = ["notes.batch.create", "notes.batch.update", "notes.batch.upsert"].map(sent).reduce(0, +)
        let minimum = (report.summary.notesCreated + 99) / 100 + (report.summary.notesUpdated + 99) / 100
        let total = after.totalRequests - before.totalRequests
        let ideal = Double(total) * 10 / Double(limit)
        print(
            "\(name): \(report.summary.notesCreated) notes created, \(report.summary.notesUpdated) updated; "
                + "note writes \(writes) requests, minimum \(minimum), ratio "
                + String(format: "%.3f", Double(writes) / Double(max(1, minimum))) + "x; "
                + "other requests \(total - writes) (contact upserts \(sent("contacts.batch.upsert")), "
                + "note look-ups \(sent("associations.notes.list"))); 429s \(after.rateLimited - before.rateLimited); "
                + String(
                    format: "%.1f s, %.1f s at the full limit for its %d requests", report.summary.elapsedSeconds,
                    ideal, total))
    }
}
