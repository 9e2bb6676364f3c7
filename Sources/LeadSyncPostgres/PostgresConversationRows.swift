internal import LeadSyncJournal
internal import Logging
internal import PostgresNIO

/// A tenant's conversations inside one transaction, for the journal's `ConversationWriter`: the
/// conversations, message ids and notes a call concerns are read beforehand with one statement
/// each, and what the writer writes is stored with one set-based statement per table by `flush`
/// (decision 0026). The rules are the SQLite journal's; only where the rows are differs.
///
/// The caller holds the tenant row's lock, which orders the tenant's writers.
final class PostgresConversationRows: ConversationRows {
    private struct NoteKey: Hashable {
        var conversation: String
        var part: Int
    }

    private struct MessageKey: Hashable {
        var conversation: String
        var id: String
    }

    private struct NewMessage {
        var conversation: String
        var message: ConversationEntry.Message
        var at: Int64
    }

    let tenant: String
    private var heads: [String: ConversationHead] = [:]
    private var knownMessages: Set<MessageKey> = []
    private var notes: [NoteKey: StoredNote] = [:]
    private var appended: [NewMessage] = []
    private var writtenHeads: [ConversationHead] = []
    private var writtenNotes: [NoteKey: StoredNote?] = [:]

    private init(tenant: String) { self.tenant = tenant }

    func conversation(_ id: String) throws -> ConversationHead? { heads[id] }

    func append(_ message: ConversationEntry.Message, to conversation: String, at: Int64) throws -> Bool {
        if let id = message.id {
            guard knownMessages.insert(MessageKey(conversation: conversation, id: id)).inserted else { return false }
        }
        appended.append(NewMessage(conversation: conversation, message: message, at: at))
        return true
    }

    func write(_ head: ConversationHead, isNew: Bool) throws { writtenHeads.append(head) }

    func note(of conversation: String, part: Int) throws -> StoredNote? {
        notes[NoteKey(conversation: conversation, part: part)]
    }

    func write(_ note: StoredNote?, of conversation: String, part: Int) throws {
        writtenNotes[NoteKey(conversation: conversation, part: part)] = .some(note)
    }

    /// Locks the tenant's row and reads the conversations `entries` name with the ids of their
    /// messages among those `entries` carry.
    static func locking(
        for entries: [ConversationEntry], _ tenant: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> PostgresConversationRows {
        let rows = try await locking(conversations: Array(Set(entries.map(\.conversation))), tenant, connection, logger)
        let withID = entries.compactMap { entry in entry.message?.id.map { (entry.conversation, $0) } }
        guard !withID.isEmpty else { return rows }
        let known = try await connection.query(
            """
            SELECT m.conversation, m.message_id FROM conversation_message m
            JOIN unnest(\(withID.map(\.0)), \(withID.map(\.1))) AS u(conversation, message_id)
                ON m.conversation = u.conversation AND m.message_id = u.message_id
            WHERE m.tenant = \(tenant)
            """, logger: logger)
        for try await (conversation, id) in known.decode((String, String).self) {
            rows.knownMessages.insert(MessageKey(conversation: conversation, id: id))
        }
        return rows
    }

    /// Locks the tenant's row and reads the conversations `outcomes` name with their notes.
    static func locking(
        for outcomes: [NoteOutcome], _ tenant: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> PostgresConversationRows {
        let named = Array(Set(outcomes.map(\.conversation)))
        let rows = try await locking(conversations: named, tenant, connection, logger)
        let notes = try await connection.query(
            """
            SELECT conversation, part, note_id, digest, intent_at FROM conversation_note
            WHERE tenant = \(tenant) AND conversation = ANY(\(named))
            """, logger: logger)
        for try await (conversation, part, noteId, digest, intentAt) in notes.decode(
            (String, Int, String?, String?, Int64?).self)
        {
            rows.notes[NoteKey(conversation: conversation, part: part)] = StoredNote(
                noteId: noteId, digest: digest, intentAt: intentAt)
        }
        return rows
    }

    private static func locking(
        conversations: [String], _ tenant: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> PostgresConversationRows {
        _ = try await PostgresLeadRows.lockTenant(tenant, connection, logger)
        let rows = PostgresConversationRows(tenant: tenant)
        let heads = try await connection.query(
            """
            SELECT id, lead, messages, summary, summary_at, revision, delivered_revision,
                rejected_category, rejected_message, rejected_at
            FROM conversation WHERE tenant = \(tenant) AND id = ANY(\(conversations))
            """, logger: logger)
        for try await (id, lead, messages, summary, summaryAt, revision, delivered, category, message, rejectedAt)
            in heads.decode((String, String, Int64, String?, Int64?, Int64, Int64, String?, String?, Int64?).self)
        {
            rows.heads[id] = ConversationHead(
                id: id, lead: lead, messages: messages, summary: summary, summaryAt: summaryAt, revision: revision,
                deliveredRevision: delivered,
                rejection: rejectedAt.map {
                    .init(category: category ?? "", message: message ?? "", atMilliseconds: $0)
                })
        }
        return rows
    }

    /// Stores what the writer wrote: the messages appended (in order), the conversations and
    /// the notes, one statement each. Optional elements cannot be bound in an array, so a `has…`
    /// array says which values are set.
    func flush(_ connection: PostgresConnection, _ logger: Logger) async throws {
        if !appended.isEmpty {
            try await connection.query(
                """
                INSERT INTO conversation_message (tenant, conversation, message_id, at, speaker, text)
                SELECT \(tenant), u.conversation, CASE WHEN u.has_id THEN u.message_id END, u.at, u.speaker, u.text
                FROM unnest(
                    \(appended.map(\.conversation)), \(appended.map { $0.message.id != nil }),
                    \(appended.map { $0.message.id ?? "" }), \(appended.map(\.at)), \(appended.map(\.message.from)),
                    \(appended.map(\.message.text))
                ) WITH ORDINALITY AS u(conversation, has_id, message_id, at, speaker, text, position)
                ORDER BY u.position
                """, logger: logger)
            appended.removeAll()
        }
        if !writtenHeads.isEmpty {
            let heads = writtenHeads
            try await connection.query(
                """
                INSERT INTO conversation (tenant, id, lead, messages, summary, summary_at, revision, delivered_revision,
                    rejected_category, rejected_message, rejected_at)
                SELECT \(tenant), u.id, u.lead, u.messages, CASE WHEN u.has_summary THEN u.summary END,
                    CASE WHEN u.has_summary_at THEN u.summary_at END, u.revision, u.delivered_revision,
                    CASE WHEN u.rejected THEN u.category END, CASE WHEN u.rejected THEN u.message END,
                    CASE WHEN u.rejected THEN u.rejected_at END
                FROM unnest(
                    \(heads.map(\.id)), \(heads.map(\.lead)), \(heads.map(\.messages)),
                    \(heads.map { $0.summary != nil }), \(heads.map { $0.summary ?? "" }),
                    \(heads.map { $0.summaryAt != nil }), \(heads.map { $0.summaryAt ?? 0 }),
                    \(heads.map(\.revision)), \(heads.map(\.deliveredRevision)),
                    \(heads.map { $0.rejection != nil }), \(heads.map { $0.rejection?.category ?? "" }),
                    \(heads.map { $0.rejection?.message ?? "" }), \(heads.map { $0.rejection?.atMilliseconds ?? 0 })
                ) AS u(id, lead, messages, has_summary, summary, has_summary_at, summary_at, revision,
                    delivered_revision, rejected, category, message, rejected_at)
                ON CONFLICT (tenant, id) DO UPDATE SET
                    messages = excluded.messages, summary = excluded.summary, summary_at = excluded.summary_at,
                    revision = excluded.revision, delivered_revision = excluded.delivered_revision,
                    rejected_category = excluded.rejected_category, rejected_message = excluded.rejected_message,
                    rejected_at = excluded.rejected_at
                """, logger: logger)
            writtenHeads.removeAll()
        }
        let removed = writtenNotes.filter { $0.value == nil }.map(\.key)
        if !removed.isEmpty {
            try await connection.query(
                """
                DELETE FROM conversation_note n
                USING unnest(\(removed.map(\.conversation)), \(removed.map(\.part))) AS u(conversation, part)
                WHERE n.tenant = \(tenant) AND n.conversation = u.conversation AND n.part = u.part
                """, logger: logger)
        }
        let kept = writtenNotes.compactMap { key, note in note.map { (key, $0) } }
        if !kept.isEmpty {
            try await connection.query(
                """
                INSERT INTO conversation_note (tenant, conversation, part, note_id, digest, intent_at)
                SELECT \(tenant), u.conversation, u.part, CASE WHEN u.has_note THEN u.note_id END,
                    CASE WHEN u.has_digest THEN u.digest END, CASE WHEN u.intended THEN u.intent_at END
                FROM unnest(
                    \(kept.map(\.0.conversation)), \(kept.map(\.0.part)),
                    \(kept.map { $0.1.noteId != nil }), \(kept.map { $0.1.noteId ?? "" }),
                    \(kept.map { $0.1.digest != nil }), \(kept.map { $0.1.digest ?? "" }),
                    \(kept.map { $0.1.intentAt != nil }), \(kept.map { $0.1.intentAt ?? 0 })
                ) AS u(conversation, part, has_note, note_id, has_digest, digest, intended, intent_at)
                ON CONFLICT (tenant, conversation, part) DO UPDATE SET
                    note_id = excluded.note_id, digest = excluded.digest, intent_at = excluded.intent_at
                """, logger: logger)
        }
        writtenNotes.removeAll()
    }
}

extension NoteOutcome {
    /// The conversation the outcome is about.
    var conversation: String {
        switch self {
        case .createIntended(let conversation, _), .noted(let conversation, _, _, _),
            .delivered(let conversation, _), .rejected(let conversation, _, _, _, _):
            conversation
        }
    }
}
