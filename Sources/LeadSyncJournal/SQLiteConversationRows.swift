internal import LeadSyncSQLite

/// A SQLite journal's conversation rows, for a ``ConversationWriter`` inside the write
/// transaction the connection is in: read and written as they are asked for.
final class SQLiteConversationRows: ConversationRows {
    let db: Connection

    init(_ db: Connection) { self.db = db }

    func conversation(_ id: String) throws -> ConversationHead? {
        let select = try db.cached(
            """
            SELECT lead, messages, summary, summary_at, revision, delivered_revision,
                rejected_category, rejected_message, rejected_at
            FROM conversation WHERE id = ?
            """)
        try select.bind([.text(id)])
        defer { select.reset() }
        guard try select.step() else { return nil }
        return ConversationHead(
            id: id, lead: select.text(0), messages: select.int64(1), summary: select.optionalText(2),
            summaryAt: select.optionalInt64(3), revision: select.int64(4), deliveredRevision: select.int64(5),
            rejection: select.optionalInt64(8).map {
                .init(category: select.text(6), message: select.text(7), atMilliseconds: $0)
            })
    }

    func append(_ message: ConversationEntry.Message, to conversation: String, at: Int64) throws -> Bool {
        try db.cached(
            "INSERT OR IGNORE INTO conversation_message(conversation, message_id, at, speaker, text) VALUES (?, ?, ?, ?, ?)"
        ).execute([
            .text(conversation), message.id.map { .text($0) } ?? .null, .integer(at), .text(message.from),
            .text(message.text),
        ])
        return db.changes != 0
    }

    func write(_ head: ConversationHead, isNew: Bool) throws {
        let write =
            isNew
            ? try db.cached(
                """
                INSERT INTO conversation(messages, summary, summary_at, revision, delivered_revision,
                    rejected_category, rejected_message, rejected_at, id, lead)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            : try db.cached(
                """
                UPDATE conversation SET messages = ?, summary = ?, summary_at = ?, revision = ?,
                    delivered_revision = ?, rejected_category = ?, rejected_message = ?, rejected_at = ?
                WHERE id = ?
                """)
        var values: [SQLiteValue] = [
            .integer(head.messages), head.summary.map { .text($0) } ?? .null,
            head.summaryAt.map { .integer($0) } ?? .null, .integer(head.revision), .integer(head.deliveredRevision),
            head.rejection.map { .text($0.category) } ?? .null, head.rejection.map { .text($0.message) } ?? .null,
            head.rejection.map { .integer($0.atMilliseconds) } ?? .null, .text(head.id),
        ]
        if isNew { values.append(.text(head.lead)) }
        try write.execute(values)
    }

    func note(of conversation: String, part: Int) throws -> StoredNote? {
        let select = try db.cached(
            "SELECT note_id, digest, intent_at FROM conversation_note WHERE conversation = ? AND part = ?")
        try select.bind([.text(conversation), .integer(Int64(part))])
        defer { select.reset() }
        guard try select.step() else { return nil }
        return StoredNote(
            noteId: select.optionalText(0), digest: select.optionalText(1), intentAt: select.optionalInt64(2))
    }

    func write(_ note: StoredNote?, of conversation: String, part: Int) throws {
        guard let note else {
            try db.cached("DELETE FROM conversation_note WHERE conversation = ? AND part = ?")
                .execute([.text(conversation), .integer(Int64(part))])
            return
        }
        try db.cached(
            """
            INSERT INTO conversation_note(conversation, part, note_id, digest, intent_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(conversation, part) DO UPDATE
                SET note_id = excluded.note_id, digest = excluded.digest, intent_at = excluded.intent_at
            """
        ).execute([
            .text(conversation), .integer(Int64(part)), note.noteId.map { .text($0) } ?? .null,
            note.digest.map { .text($0) } ?? .null, note.intentAt.map { .integer($0) } ?? .null,
        ])
    }
}
