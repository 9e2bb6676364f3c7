package import Foundation
internal import LeadSyncSQLite

/// The journal's conversations: messages and summaries as journal entries (durable when a record
/// call returns, any number of writers beside a running sync) and, per conversation, the state of
/// its HubSpot notes. docs/conversations.md has the model.
///
/// ```swift
/// let report = try await journal.conversations.record([ConversationEntry(
///     lead: "L-1042", conversation: "C-77", atMilliseconds: nowMs,
///     message: .init(id: "m1", from: "visitor", text: "Hi, what does Pro cost?"))])
/// ```
package struct ConversationStore: Sendable {
    let database: JournalDatabase

    /// Journals `entries` in one transaction. A message whose (conversation, id) is known is a
    /// counted duplicate; an entry naming another lead's conversation is refused (in the report).
    package func record(_ entries: [ConversationEntry]) async throws -> ConversationRecordReport {
        try await database.run { db in try ConversationTables.record(entries, db) }
    }

    /// Appends ingested lines in one transaction: their conversation entries first (a line whose
    /// conversation belongs to another lead is refused whole), then the changes of the others.
    /// Returns the last change's seq and what became of the entries.
    static func record(lines: [IngestLine], _ db: Connection) throws -> (
        lastSeq: Int64?, conversations: ConversationRecordReport
    ) {
        try db.write { db in
            var indices: [Int] = []
            var entries: [ConversationEntry] = []
            for (index, line) in lines.enumerated() {
                if let entry = line.conversation {
                    indices.append(index)
                    entries.append(entry)
                }
            }
            var report = try ConversationTables.record(entries, db)
            report.refused = Dictionary(uniqueKeysWithValues: report.refused.map { (indices[$0.key], $0.value) })
            let changes = lines.enumerated().compactMap { index, line in
                report.refused[index] == nil ? line.change : nil
            }
            return (try ChangeLog.append(changes, origin: .local, db), report)
        }
    }

    /// Up to `limit` pending conversations after `after`, in id order.
    package func pending(after: String?, limit: Int) async throws -> [PendingConversation] {
        try await database.run { db in
            try db.read { db in try ConversationTables.pending(after: after, limit: limit, db) }
        }
    }

    /// A conversation's summary and messages in display order, with its notes by part.
    package func transcript(of conversation: String) async throws -> (ConversationTranscript, [ConversationNote]) {
        try await database.run { db in
            try db.read { db in
                (
                    try ConversationTables.transcript(of: conversation, db),
                    try ConversationTables.notes(of: conversation, db)
                )
            }
        }
    }

    /// Records what the notes lane learned, in one transaction, durable when it returns.
    package func apply(_ outcomes: [NoteOutcome], at now: Date = Date()) async throws {
        let ms = Int64((now.timeIntervalSince1970 * 1000).rounded(.down))
        try await database.run { db in try ConversationTables.apply(outcomes, atMilliseconds: ms, db) }
    }

    /// How many conversations there are and how many are pending (for `status`).
    package func counts() async throws -> ConversationCounts {
        try await database.run { db in try ConversationTables.counts(db) }
    }

    /// The conversations of `lead`, with their notes.
    package func conversations(ofLead lead: String) async throws -> [ConversationInfo] {
        try await database.run { db in try ConversationTables.conversations(ofLead: lead, db) }
    }

    /// Every conversation that has a note in HubSpot, with its notes (for `verify`).
    package func conversationsWithNotes() async throws -> [ConversationInfo] {
        try await database.run { db in try ConversationTables.conversations(ofLead: nil, db) }
    }

    /// Conversations HubSpot refused, oldest refusal first.
    package func rejected() async throws -> [RejectedConversation] {
        try await database.run { db in try db.read { db in try ConversationTables.rejected(db) } }
    }

    /// Another account: every conversation is pending again and will get new notes there.
    package func forgetNotes() async throws {
        try await database.run { db in
            try db.write { db in
                try db.execute(
                    """
                    DELETE FROM conversation_note;
                    UPDATE conversation SET delivered_revision = 0, rejected_category = NULL, rejected_message = NULL, rejected_at = NULL;
                    """)
            }
        }
    }

    /// Makes these refused conversations pending again; returns how many were refused.
    package func retry(_ conversations: [String]) async throws -> Int {
        try await database.run { db in try ConversationTables.retry(conversations, db) }
    }
}
