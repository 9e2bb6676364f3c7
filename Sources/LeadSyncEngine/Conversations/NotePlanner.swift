package import LeadSyncJournal
import LeadSyncSupport

/// How a part whose create answer was lost is settled (decision 0016).
package enum NoteKeyMode: String, Sendable {
    /// Notes carry a unique-value key property: creating again is refused with the existing id.
    case uniqueKey = "unique_key"
    /// The contact's notes are listed and read, and the part's closing line looked for.
    case lookup
}

extension SettingKey {
    /// ``NoteKeyMode`` of this journal's account, once probed.
    package static let noteKeyMode: SettingKey = "notes.key_mode"
}

/// What one pending conversation's notes need in this pass: pure, from the transcript and the
/// journal's note state (docs/conversations.md, "Pushing").
struct NoteWork: Sendable {
    var pending: PendingConversation
    /// The contact the notes go to (the pending conversation's, never nil here).
    var contactId: String
    /// Every part as it should read now.
    var parts: [RenderedNote]
    /// Digests of `parts`, by part number.
    var digests: [Int: String]
    /// Parts to create (never created, or uncertain in unique-key mode).
    var creates: [Int] = []
    /// Parts to update: part → note id.
    var updates: [Int: String] = [:]
    /// Uncertain parts (look-up mode): the contact's notes must be searched first.
    var lookups: [Int] = []
    /// Parts HubSpot holds as they should read (before this pass, or acknowledged in it).
    var settled: Set<Int> = []
    /// Set when HubSpot refused the conversation in this pass.
    var rejected = false

    /// Plans `pending` (which has a contact) from its transcript and note state.
    init(
        pending: PendingConversation, contactId: String, transcript: ConversationTranscript, notes: [ConversationNote],
        mode: NoteKeyMode
    ) {
        self.pending = pending
        self.contactId = contactId
        parts = NoteRenderer.render(transcript, minimumParts: Self.lastKnownPart(notes))
        digests = Dictionary(uniqueKeysWithValues: parts.map { ($0.part, Self.digest($0.body)) })
        let byPart = Dictionary(notes.map { ($0.part, $0) }, uniquingKeysWith: { $1 })
        for part in parts.map(\.part) {
            let note = byPart[part]
            if let noteId = note?.noteId {
                if note?.digest == digests[part] { settled.insert(part) } else { updates[part] = noteId }
            } else if note?.createIntended == true && mode == .lookup {
                lookups.append(part)
            } else {
                creates.append(part)
            }
        }
    }

    var conversation: String { pending.conversation }

    /// The last part HubSpot holds or may hold (a note, or a create intent): a rendering never
    /// ends before it, so no note is left stale.
    static func lastKnownPart(_ notes: [ConversationNote]) -> Int {
        notes.filter { $0.noteId != nil || $0.createIntended }.map(\.part).max() ?? 1
    }

    /// Every part is in HubSpot as rendered: the revision read is delivered.
    var isDelivered: Bool { !rejected && settled.count == parts.count }

    /// The rendering of `part` (parts start after the sealed ones).
    func body(_ part: Int) -> RenderedNote { parts[part - parts[0].part] }

    /// A short, stable digest of a note body (the first 16 bytes of its SHA-256, hex).
    static func digest(_ body: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in SHA256.hash(Array(body.utf8)).prefix(16) {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
