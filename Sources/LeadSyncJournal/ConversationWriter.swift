/// A conversation's row as the recording and delivery rules see it: everything but its messages
/// and notes.
package struct ConversationHead: Sendable, Hashable {
    package var id: String
    /// The lead that owns the conversation (the first entry naming it claimed it).
    package var lead: String
    package var messages: Int64 = 0
    package var summary: String?
    /// When the summary was last set or removed (epoch ms): an older summary never wins.
    package var summaryAt: Int64?
    /// Bumped by every change of the transcript.
    package var revision: Int64 = 0
    /// The revision HubSpot's notes show.
    package var deliveredRevision: Int64 = 0
    /// Why HubSpot refused the conversation's note; nil while it is not refused.
    package var rejection: Rejection?

    package struct Rejection: Sendable, Hashable {
        package var category: String
        package var message: String
        package var atMilliseconds: Int64

        package init(category: String, message: String, atMilliseconds: Int64) {
            self.category = category
            self.message = message
            self.atMilliseconds = atMilliseconds
        }
    }

    package init(
        id: String, lead: String, messages: Int64 = 0, summary: String? = nil, summaryAt: Int64? = nil,
        revision: Int64 = 0, deliveredRevision: Int64 = 0, rejection: Rejection? = nil
    ) {
        self.id = id
        self.lead = lead
        self.messages = messages
        self.summary = summary
        self.summaryAt = summaryAt
        self.revision = revision
        self.deliveredRevision = deliveredRevision
        self.rejection = rejection
    }
}

/// One note part as stored: HubSpot's note id, the digest of the body it holds, and when a
/// create was sent whose answer was not recorded.
package struct StoredNote: Sendable, Hashable {
    package var noteId: String?
    package var digest: String?
    package var intentAt: Int64?

    package init(noteId: String? = nil, digest: String? = nil, intentAt: Int64? = nil) {
        self.noteId = noteId
        self.digest = digest
        self.intentAt = intentAt
    }
}

/// Where a ``ConversationWriter`` reads and writes conversations inside one write transaction:
/// SQLite's rows are read as they are asked for; a PostgreSQL tenant's were read beforehand with
/// one statement, and its writes are gathered for set-based statements (decision 0026).
package protocol ConversationRows: AnyObject {
    /// The conversation `id`, or nil when the store has none.
    func conversation(_ id: String) throws -> ConversationHead?
    /// Appends a message unless the conversation holds one with the same id (a message without
    /// an id is always appended); false for such a duplicate.
    func append(_ message: ConversationEntry.Message, to conversation: String, at: Int64) throws -> Bool
    /// Writes a changed conversation whole (inserts it when `isNew`).
    func write(_ head: ConversationHead, isNew: Bool) throws
    /// A part's note, or nil when the store has none.
    func note(of conversation: String, part: Int) throws -> StoredNote?
    /// Writes a part's note (deletes it for nil).
    func write(_ note: StoredNote?, of conversation: String, part: Int) throws
}

/// The rules of recording conversation entries and the notes lane's outcomes, the same for every
/// store: ``ConversationRows`` is where the rows are. Conversations and notes are changed in
/// memory; `finish()` writes each changed one once.
package final class ConversationWriter {
    private struct Held {
        var head: ConversationHead
        var isNew: Bool
        var dirty: Bool
    }

    private struct NoteKey: Hashable {
        var conversation: String
        var part: Int
    }

    let rows: any ConversationRows
    private var heads: [String: Held] = [:]
    private var notes: [NoteKey: StoredNote?] = [:]
    private var changedNotes: Set<NoteKey> = []

    package init(rows: any ConversationRows) { self.rows = rows }

    /// Journals `entries`: an entry with a problem, or naming a conversation another lead owns,
    /// is refused whole; a message with a known id is a counted duplicate; the latest summary
    /// wins (a removal keeps its time), and every change of the transcript bumps the revision.
    package func record(_ entries: [ConversationEntry]) throws -> ConversationRecordReport {
        var report = ConversationRecordReport()
        for (index, entry) in entries.enumerated() {
            if let problem = entry.problem {
                report.refused[index] = problem
                continue
            }
            var held = try hold(entry.conversation, claimedBy: entry.lead)
            guard held.head.lead == entry.lead else {
                report.refused[index] = "conversation \(entry.conversation) belongs to lead \(held.head.lead)"
                continue
            }
            if let message = entry.message {
                if try rows.append(message, to: entry.conversation, at: entry.atMilliseconds) {
                    report.messages += 1
                    held.head.messages += 1
                    held.head.revision += 1
                } else {
                    report.duplicateMessages += 1
                }
            }
            if let summary = entry.summary, held.head.summaryAt.map({ $0 <= entry.atMilliseconds }) ?? true {
                let text: String? = if case .set(let text) = summary { text } else { nil }
                if held.head.summary != text { held.head.revision += 1 }
                held.head.summary = text
                held.head.summaryAt = entry.atMilliseconds
            }
            held.dirty = true
            heads[entry.conversation] = held
        }
        return report
    }

    /// Records what the notes lane learned, in order.
    package func apply(_ outcomes: [NoteOutcome], atMilliseconds now: Int64) throws {
        for outcome in outcomes {
            switch outcome {
            case .createIntended(let conversation, let parts):
                for part in parts {
                    var note = try self.note(conversation, part) ?? StoredNote()
                    note.intentAt = now
                    setNote(note, conversation, part)
                }
            case .noted(let conversation, let part, let noteId, let digest):
                setNote(StoredNote(noteId: noteId, digest: digest, intentAt: nil), conversation, part)
            case .delivered(let conversation, let revision):
                try change(conversation) { head in
                    if head.rejection == nil { head.deliveredRevision = max(head.deliveredRevision, revision) }
                }
            case .rejected(let conversation, let category, let message, let at, let forgetPart):
                try change(conversation) { head in
                    head.rejection = .init(category: category, message: message, atMilliseconds: at)
                }
                if let forgetPart { setNote(nil, conversation, forgetPart) }
            }
        }
    }

    /// Writes every conversation and note changed, each once.
    package func finish() throws {
        for held in heads.values where held.dirty { try rows.write(held.head, isNew: held.isNew) }
        for key in changedNotes { try rows.write(notes[key] ?? nil, of: key.conversation, part: key.part) }
        heads.removeAll()
        notes.removeAll()
        changedNotes.removeAll()
    }

    /// The conversation, claimed for `lead` when the store has none of that id.
    private func hold(_ conversation: String, claimedBy lead: String) throws -> Held {
        if let held = heads[conversation] { return held }
        let held =
            try rows.conversation(conversation).map { Held(head: $0, isNew: false, dirty: false) }
            ?? Held(head: ConversationHead(id: conversation, lead: lead), isNew: true, dirty: true)
        heads[conversation] = held
        return held
    }

    /// Changes a known conversation; one the store does not hold is left alone.
    private func change(_ conversation: String, _ body: (inout ConversationHead) -> Void) throws {
        var held: Held
        if let known = heads[conversation] {
            held = known
        } else if let head = try rows.conversation(conversation) {
            held = Held(head: head, isNew: false, dirty: false)
        } else {
            return
        }
        body(&held.head)
        held.dirty = true
        heads[conversation] = held
    }

    private func note(_ conversation: String, _ part: Int) throws -> StoredNote? {
        let key = NoteKey(conversation: conversation, part: part)
        if let known = notes[key] { return known }
        let stored = try rows.note(of: conversation, part: part)
        notes[key] = .some(stored)
        return stored
    }

    private func setNote(_ note: StoredNote?, _ conversation: String, _ part: Int) {
        let key = NoteKey(conversation: conversation, part: part)
        notes[key] = .some(note)
        changedNotes.insert(key)
    }
}
