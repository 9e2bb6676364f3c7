internal import LeadSyncSQLite

/// The SQL of conversations: messages and summaries as journal entries, and per conversation
/// the derived state of its notes (docs/conversations.md).
///
/// - `conversation`: owner lead, summary (latest `at` wins; a removal keeps its `at`), message
///   count, `revision` (bumped by every change of the transcript) and `delivered_revision`;
///   rejected when `rejected_at` is set.
/// - `conversation_message`: append-only, `seq` is append order; (conversation, message id)
///   unique where the id is given, so a re-sent message is a counted duplicate.
/// - `conversation_note`: per part, HubSpot's note id, the digest of the body it holds, and the
///   time a create was sent whose answer was not recorded (the create intent).
enum ConversationTables {
    static func migrate(_ db: Connection) throws {
        try db.execute(
            """
            CREATE TABLE conversation (
                id TEXT PRIMARY KEY,
                lead TEXT NOT NULL,
                messages INTEGER NOT NULL DEFAULT 0,
                summary TEXT,
                summary_at INTEGER,
                revision INTEGER NOT NULL DEFAULT 0,
                delivered_revision INTEGER NOT NULL DEFAULT 0,
                rejected_category TEXT,
                rejected_message TEXT,
                rejected_at INTEGER
            ) WITHOUT ROWID;
            CREATE INDEX conversation_lead ON conversation(lead);
            CREATE INDEX conversation_pending ON conversation(id)
                WHERE revision > delivered_revision AND rejected_at IS NULL;
            CREATE INDEX conversation_rejected ON conversation(id) WHERE rejected_at IS NOT NULL;
            CREATE TABLE conversation_message (
                seq INTEGER PRIMARY KEY,
                conversation TEXT NOT NULL,
                message_id TEXT,
                at INTEGER NOT NULL,
                speaker TEXT NOT NULL,
                text TEXT NOT NULL
            );
            CREATE INDEX conversation_message_order ON conversation_message(conversation, at, seq);
            CREATE UNIQUE INDEX conversation_message_id ON conversation_message(conversation, message_id)
                WHERE message_id IS NOT NULL;
            CREATE TABLE conversation_note (
                conversation TEXT NOT NULL,
                part INTEGER NOT NULL,
                note_id TEXT,
                digest TEXT,
                intent_at INTEGER,
                PRIMARY KEY (conversation, part)
            ) WITHOUT ROWID;
            """)
    }

    /// Retention seals delivered parts (decision 0032): how many a conversation has.
    static func migrateSealedParts(_ db: Connection) throws {
        try db.execute("ALTER TABLE conversation ADD COLUMN sealed_parts INTEGER NOT NULL DEFAULT 0")
    }

    // MARK: Recording

    /// Journals `entries` in one transaction (the caller's, when inside one), by the
    /// ``ConversationWriter``'s rules.
    static func record(_ entries: [ConversationEntry], _ db: Connection) throws -> ConversationRecordReport {
        guard !entries.isEmpty else { return ConversationRecordReport() }
        return try db.write { db in
            let writer = ConversationWriter(rows: SQLiteConversationRows(db))
            let report = try writer.record(entries)
            try writer.finish()
            return report
        }
    }

    // MARK: Delivery

    /// Up to `limit` pending conversations after `after` (id order), each with its lead's contact
    /// id when the lead has one.
    static func pending(after: String?, limit: Int, _ db: Connection) throws -> [PendingConversation] {
        let select = try db.cached(
            """
            SELECT c.id, c.lead, l.remote_id, c.revision FROM conversation c INDEXED BY conversation_pending
            LEFT JOIN lead l ON l.key = c.lead
            WHERE c.revision > c.delivered_revision AND c.rejected_at IS NULL AND c.id > ?
            ORDER BY c.id LIMIT ?
            """)
        try select.bind([.text(after ?? ""), .integer(Int64(limit))])
        defer { select.reset() }
        var found: [PendingConversation] = []
        while try select.step() {
            found.append(
                PendingConversation(
                    conversation: select.text(0), lead: select.text(1), contactId: select.optionalText(2),
                    revision: select.int64(3)))
        }
        return found
    }

    /// The conversation's summary and messages in display order (`at`, then append order).
    static func transcript(of conversation: String, _ db: Connection) throws -> ConversationTranscript {
        try db.read { db in
            let head = try db.cached("SELECT summary, summary_at, sealed_parts FROM conversation WHERE id = ?")
            try head.bind([.text(conversation)])
            var transcript = ConversationTranscript(conversation: conversation, messages: [])
            if try head.step() {
                if let summary = head.optionalText(0) {
                    transcript.summary = summary
                    transcript.summaryAt = head.optionalInt64(1)
                }
                transcript.sealedParts = head.int(2)
            }
            head.reset()
            let messages = try db.cached(
                "SELECT speaker, text, at FROM conversation_message WHERE conversation = ? ORDER BY at, seq")
            try messages.bind([.text(conversation)])
            defer { messages.reset() }
            while try messages.step() {
                transcript.messages.append(.init(from: messages.text(0), text: messages.text(1), at: messages.int64(2)))
            }
            return transcript
        }
    }

    /// The conversation's notes by part.
    static func notes(of conversation: String, _ db: Connection) throws -> [ConversationNote] {
        let select = try db.cached(
            "SELECT part, note_id, digest, intent_at IS NOT NULL FROM conversation_note WHERE conversation = ? ORDER BY part"
        )
        try select.bind([.text(conversation)])
        defer { select.reset() }
        var notes: [ConversationNote] = []
        while try select.step() {
            notes.append(
                ConversationNote(
                    part: select.int(0), noteId: select.optionalText(1), digest: select.optionalText(2),
                    createIntended: select.int(3) != 0))
        }
        return notes
    }

    /// Records what the notes lane learned, in one transaction, by the ``ConversationWriter``'s
    /// rules.
    static func apply(_ outcomes: [NoteOutcome], atMilliseconds now: Int64, _ db: Connection) throws {
        guard !outcomes.isEmpty else { return }
        try db.write { db in
            let writer = ConversationWriter(rows: SQLiteConversationRows(db))
            try writer.apply(outcomes, atMilliseconds: now)
            try writer.finish()
        }
    }

    // MARK: Retention

    /// Delivered conversations holding a message older than `cutoff` (epoch ms), with their
    /// revision, in id order: what retention may seal.
    static func sealable(olderThan cutoff: Int64, _ db: Connection) throws -> [(conversation: String, revision: Int64)]
    {
        let select = try db.cached(
            """
            SELECT c.id, c.revision FROM conversation c
            WHERE c.revision = c.delivered_revision AND c.rejected_at IS NULL
              AND EXISTS (SELECT 1 FROM conversation_message m WHERE m.conversation = c.id AND m.at < ?)
            ORDER BY c.id
            """)
        try select.bind([.integer(cutoff)])
        defer { select.reset() }
        var found: [(String, Int64)] = []
        while try select.step() { found.append((select.text(0), select.int64(1))) }
        return found
    }

    /// Applies `seal` in one transaction if the conversation is still at its revision, delivered
    /// and unrefused, with the parts sealed it was computed with. Returns whether it applied.
    static func apply(_ seal: ConversationSeal, _ db: Connection) throws -> Bool {
        try db.write { db in
            let current = try db.cached(
                """
                SELECT 1 FROM conversation WHERE id = ? AND revision = ? AND delivered_revision = revision
                    AND rejected_at IS NULL AND sealed_parts = ?
                """)
            try current.bind([.text(seal.conversation), .integer(seal.revision), .integer(Int64(seal.sealedBefore))])
            let unchanged = try current.step()
            current.reset()
            guard unchanged else { return false }
            try db.cached(
                """
                DELETE FROM conversation_message WHERE seq IN (
                    SELECT seq FROM conversation_message WHERE conversation = ? ORDER BY at, seq LIMIT ?)
                """
            ).execute([.text(seal.conversation), .integer(Int64(seal.messages))])
            // A summary left after a partial cut moves to the first open part: the conversation
            // is pending again until that part shows it.
            try db.cached(
                """
                UPDATE conversation SET sealed_parts = sealed_parts + ?2,
                    summary = CASE WHEN ?3 THEN NULL ELSE summary END,
                    revision = revision + (NOT ?3 AND summary IS NOT NULL)
                WHERE id = ?1
                """
            ).execute([.text(seal.conversation), .integer(Int64(seal.parts)), .integer(seal.sealsAll ? 1 : 0)])
            return true
        }
    }

    // MARK: Looking

    /// Pending counts conversations whose notes lack a message or the summary, rejected ones
    /// aside. Counted on indexes, never over messages.
    static func counts(_ db: Connection) throws -> ConversationCounts {
        try db.read { db in
            ConversationCounts(
                conversations: try db.scalar("SELECT count(*) FROM conversation") ?? 0,
                pending: try db.scalar(
                    "SELECT count(*) FROM conversation INDEXED BY conversation_pending WHERE revision > delivered_revision AND rejected_at IS NULL"
                )
                    ?? 0,
                lastMessage: try db.scalar("SELECT max(seq) FROM conversation_message") ?? 0,
                rejected: try db.scalar(
                    "SELECT count(*) FROM conversation INDEXED BY conversation_rejected WHERE rejected_at IS NOT NULL")
                    ?? 0)
        }
    }

    /// The conversations of `lead`, or every conversation with a note when `lead` is nil (for
    /// `verify`), in id order.
    static func conversations(ofLead lead: String?, _ db: Connection) throws -> [ConversationInfo] {
        try db.read { db in
            let select = try db.cached(
                """
                SELECT id, lead, messages, revision > delivered_revision, rejected_at IS NOT NULL FROM conversation
                WHERE (?1 IS NULL AND id IN (SELECT conversation FROM conversation_note WHERE note_id IS NOT NULL))
                   OR lead = ?1
                ORDER BY id
                """)
            try select.bind([lead.map { .text($0) } ?? .null])
            var found: [ConversationInfo] = []
            while try select.step() {
                let state: ConversationInfo.State =
                    select.int(4) != 0 ? .rejected : select.int(3) != 0 ? .pending : .delivered
                found.append(
                    ConversationInfo(
                        conversation: select.text(0), lead: select.text(1), messages: select.int(2), state: state,
                        notes: []))
            }
            select.reset()
            for index in found.indices { found[index].notes = try notes(of: found[index].conversation, db) }
            return found
        }
    }

    /// Refused conversations, oldest refusal first.
    static func rejected(_ db: Connection) throws -> [RejectedConversation] {
        let select = try db.cached(
            """
            SELECT id, lead, rejected_category, rejected_message, rejected_at FROM conversation INDEXED BY conversation_rejected
            WHERE rejected_at IS NOT NULL ORDER BY rejected_at, id
            """)
        defer { select.reset() }
        var found: [RejectedConversation] = []
        while try select.step() {
            found.append(
                RejectedConversation(
                    conversation: select.text(0), lead: select.text(1), category: select.text(2),
                    message: select.text(3),
                    atMilliseconds: select.int64(4)))
        }
        return found
    }

    /// Makes refused conversations pending again (their forgotten parts are created anew).
    /// Returns how many were refused.
    static func retry(_ conversations: [String], _ db: Connection) throws -> Int {
        try db.write { db in
            var retried = 0
            let clear = try db.cached(
                """
                UPDATE conversation SET rejected_category = NULL, rejected_message = NULL, rejected_at = NULL,
                    delivered_revision = 0
                WHERE id = ? AND rejected_at IS NOT NULL
                """)
            for conversation in conversations {
                try clear.execute([.text(conversation)])
                retried += db.changes
            }
            return retried
        }
    }
}
