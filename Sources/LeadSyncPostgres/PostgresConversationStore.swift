package import Foundation
package import LeadSyncJournal
internal import LeadSyncSupport
internal import Logging
internal import PostgresNIO

/// A tenant's conversations: the PostgreSQL twin of `ConversationStore`. Recording and the notes
/// lane's outcomes follow the journal's `ConversationWriter` (so the same rules), over rows read
/// beforehand and written set-based under the tenant row's lock. Retention's sealing is the
/// SQLite journal's maintenance and has no twin here yet (decision 0026).
package struct PostgresConversationStore: ConversationStoreProtocol {
    let tenant: String
    let database: PostgresDatabase
    /// The lease every write checks, when the tenant was opened by a worker (decision 0028).
    let lease: TenantLease?

    package func record(_ entries: [ConversationEntry]) async throws -> ConversationRecordReport {
        guard !entries.isEmpty else { return ConversationRecordReport() }
        return try await database.writes(
            "recording \(entries.count) conversation entries of tenant \(tenant)", lease: lease
        ) {
            connection in
            let rows = try await PostgresConversationRows.locking(for: entries, tenant, connection, database.logger)
            let writer = ConversationWriter(rows: rows)
            let report = try writer.record(entries)
            try writer.finish()
            try await rows.flush(connection, database.logger)
            return report
        }
    }

    package func pending(after: String?, limit: Int) async throws -> [PendingConversation] {
        try await database.statements("reading pending conversations of tenant \(tenant)") { connection in
            let rows = try await connection.query(
                """
                SELECT c.id, c.lead, l.remote_id, c.revision FROM conversation c
                LEFT JOIN lead l ON l.tenant = c.tenant AND l.key = c.lead
                WHERE c.tenant = \(tenant) AND c.revision > c.delivered_revision AND c.rejected_at IS NULL
                    AND c.id > \(after ?? "")
                ORDER BY c.id LIMIT \(Int64(limit))
                """, logger: database.logger)
            var found: [PendingConversation] = []
            for try await (id, lead, remoteID, revision) in rows.decode((String, String, String?, Int64).self) {
                found.append(PendingConversation(conversation: id, lead: lead, contactId: remoteID, revision: revision))
            }
            return found
        }
    }

    package func transcript(of conversation: String) async throws -> (ConversationTranscript, [ConversationNote]) {
        try await database.statements("reading conversation \(conversation) of tenant \(tenant)") { connection in
            let logger = database.logger
            var transcript = ConversationTranscript(conversation: conversation, messages: [])
            let head = try await connection.query(
                """
                SELECT summary, summary_at, sealed_parts FROM conversation
                WHERE tenant = \(tenant) AND id = \(conversation)
                """, logger: logger)
            for try await (summary, summaryAt, sealedParts) in head.decode((String?, Int64?, Int).self) {
                if let summary {
                    transcript.summary = summary
                    transcript.summaryAt = summaryAt
                }
                transcript.sealedParts = sealedParts
            }
            let messages = try await connection.query(
                """
                SELECT speaker, text, at FROM conversation_message
                WHERE tenant = \(tenant) AND conversation = \(conversation) ORDER BY at, seq
                """, logger: logger)
            for try await (from, text, at) in messages.decode((String, String, Int64).self) {
                transcript.messages.append(.init(from: from, text: text, at: at))
            }
            return (
                transcript, try await Self.notes(of: [conversation], tenant, connection, logger)[conversation] ?? []
            )
        }
    }

    package func apply(_ outcomes: [NoteOutcome], at now: Date) async throws {
        guard !outcomes.isEmpty else { return }
        try await database.writes("recording note outcomes of tenant \(tenant)", lease: lease) { connection in
            let rows = try await PostgresConversationRows.locking(for: outcomes, tenant, connection, database.logger)
            let writer = ConversationWriter(rows: rows)
            try writer.apply(outcomes, atMilliseconds: Timestamp.epochMilliseconds(now))
            try writer.finish()
            try await rows.flush(connection, database.logger)
        }
    }

    package func counts() async throws -> ConversationCounts {
        try await database.statements("counting conversations of tenant \(tenant)") { connection in
            let rows = try await connection.query(
                """
                SELECT
                    (SELECT count(*) FROM conversation WHERE tenant = \(tenant)),
                    (SELECT count(*) FROM conversation WHERE tenant = \(tenant)
                        AND revision > delivered_revision AND rejected_at IS NULL),
                    (SELECT coalesce(max(seq), 0) FROM conversation_message WHERE tenant = \(tenant)),
                    (SELECT count(*) FROM conversation WHERE tenant = \(tenant) AND rejected_at IS NOT NULL)
                """, logger: database.logger)
            for try await (conversations, pending, lastMessage, rejected) in rows.decode(
                (Int64, Int64, Int64, Int64).self)
            {
                return ConversationCounts(
                    conversations: conversations, pending: pending, lastMessage: lastMessage, rejected: rejected)
            }
            return ConversationCounts(conversations: 0, pending: 0, lastMessage: 0)
        }
    }

    package func conversations(ofLead lead: String) async throws -> [ConversationInfo] {
        try await conversations(ofLead: Optional(lead))
    }

    package func conversationsWithNotes() async throws -> [ConversationInfo] {
        try await conversations(ofLead: nil)
    }

    package func rejected() async throws -> [RejectedConversation] {
        try await database.statements("reading rejected conversations of tenant \(tenant)") { connection in
            let rows = try await connection.query(
                """
                SELECT id, lead, rejected_category, rejected_message, rejected_at FROM conversation
                WHERE tenant = \(tenant) AND rejected_at IS NOT NULL ORDER BY rejected_at, id
                """, logger: database.logger)
            var found: [RejectedConversation] = []
            for try await (id, lead, category, message, at) in rows.decode((String, String, String, String, Int64).self)
            {
                found.append(
                    RejectedConversation(
                        conversation: id, lead: lead, category: category, message: message, atMilliseconds: at))
            }
            return found
        }
    }

    package func forgetNotes() async throws {
        try await database.writes("forgetting the notes of tenant \(tenant)", lease: lease) { connection in
            try await connection.query(
                "DELETE FROM conversation_note WHERE tenant = \(tenant)", logger: database.logger)
            try await connection.query(
                """
                UPDATE conversation SET delivered_revision = 0, rejected_category = NULL, rejected_message = NULL,
                    rejected_at = NULL
                WHERE tenant = \(tenant)
                """, logger: database.logger)
        }
    }

    package func retry(_ conversations: [String]) async throws -> Int {
        try await database.writes("retrying conversations of tenant \(tenant)", lease: lease) { connection in
            try await connection.query(
                """
                UPDATE conversation SET rejected_category = NULL, rejected_message = NULL, rejected_at = NULL,
                    delivered_revision = 0
                WHERE tenant = \(tenant) AND id = ANY(\(conversations)) AND rejected_at IS NOT NULL
                RETURNING id
                """, logger: database.logger
            ).collect().count
        }
    }

    /// The conversations of `lead`, or every conversation with a note when `lead` is nil, in id
    /// order, with their notes.
    private func conversations(ofLead lead: String?) async throws -> [ConversationInfo] {
        try await database.statements("reading conversations of tenant \(tenant)") { connection in
            let logger = database.logger
            let rows = try await connection.query(
                """
                SELECT id, lead, messages, revision > delivered_revision, rejected_at IS NOT NULL FROM conversation c
                WHERE tenant = \(tenant) AND (
                    (\(lead)::text IS NULL AND EXISTS (
                        SELECT 1 FROM conversation_note n
                        WHERE n.tenant = c.tenant AND n.conversation = c.id AND n.note_id IS NOT NULL))
                    OR lead = \(lead))
                ORDER BY id
                """, logger: logger)
            var found: [ConversationInfo] = []
            for try await (id, owner, messages, pending, rejected) in rows.decode(
                (String, String, Int, Bool, Bool).self)
            {
                let state: ConversationInfo.State = rejected ? .rejected : pending ? .pending : .delivered
                found.append(
                    ConversationInfo(conversation: id, lead: owner, messages: messages, state: state, notes: []))
            }
            let notes = try await Self.notes(of: found.map(\.conversation), tenant, connection, logger)
            for index in found.indices { found[index].notes = notes[found[index].conversation] ?? [] }
            return found
        }
    }

    /// The notes of `conversations` by part, one statement for all.
    private static func notes(
        of conversations: [String], _ tenant: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [String: [ConversationNote]] {
        let rows = try await connection.query(
            """
            SELECT conversation, part, note_id, digest, intent_at IS NOT NULL FROM conversation_note
            WHERE tenant = \(tenant) AND conversation = ANY(\(conversations)) ORDER BY conversation, part
            """, logger: logger)
        var notes: [String: [ConversationNote]] = [:]
        for try await (conversation, part, noteId, digest, intended) in rows.decode(
            (String, Int, String?, String?, Bool).self)
        {
            notes[conversation, default: []].append(
                ConversationNote(part: part, noteId: noteId, digest: digest, createIntended: intended))
        }
        return notes
    }
}
