/// One note of a conversation as the journal knows it: part 1 is the conversation's note, 2… its
/// continuation notes.
package struct ConversationNote: Sendable, Hashable {
    package var part: Int
    /// HubSpot's note id, once known.
    package var noteId: String?
    /// Digest of the body HubSpot holds (what leadsync last delivered); nil when unknown.
    package var digest: String?
    /// A create of this part was sent and its answer never recorded: HubSpot may hold the note.
    package var createIntended: Bool

    package init(part: Int, noteId: String?, digest: String?, createIntended: Bool) {
        self.part = part
        self.noteId = noteId
        self.digest = digest
        self.createIntended = createIntended
    }
}

/// A conversation with something to deliver.
package struct PendingConversation: Sendable, Hashable {
    package var conversation: String
    package var lead: String
    /// The lead's contact id; nil while the lead has none (the conversation waits).
    package var contactId: String?
    /// The revision `transcript` shows: delivering it makes the conversation delivered unless
    /// it changed meanwhile.
    package var revision: Int64

    package init(conversation: String, lead: String, contactId: String?, revision: Int64) {
        self.conversation = conversation
        self.lead = lead
        self.contactId = contactId
        self.revision = revision
    }
}

/// What the notes lane learned, recorded in one transaction per answer.
package enum NoteOutcome: Sendable, Hashable {
    /// Creates of these parts are about to be sent (recorded, durably, before sending).
    case createIntended(conversation: String, parts: [Int])
    /// The part's note is `noteId` and holds the body whose digest is given (nil: adopted after a
    /// lost answer, body unknown, so the next pass updates it).
    case noted(conversation: String, part: Int, noteId: String, digest: String?)
    /// Every part of `revision` is in HubSpot.
    case delivered(conversation: String, revision: Int64)
    /// HubSpot refused the conversation's note for good; `forgetPart`'s note no longer exists
    /// there, so `rejected retry` creates that part again.
    case rejected(conversation: String, category: String, message: String, atMilliseconds: Int64, forgetPart: Int?)
}

/// A conversation as `lead show` and `verify` see it.
package struct ConversationInfo: Sendable, Hashable {
    package enum State: String, Sendable {
        case delivered, pending, rejected
    }

    package var conversation: String
    package var lead: String
    package var messages: Int
    package var state: State
    /// Note ids by part.
    package var notes: [ConversationNote]

    package init(conversation: String, lead: String, messages: Int, state: State, notes: [ConversationNote]) {
        self.conversation = conversation
        self.lead = lead
        self.messages = messages
        self.state = state
        self.notes = notes
    }
}

/// A refused conversation, as `rejected list` shows it beside refused field values.
package struct RejectedConversation: Sendable, Hashable {
    package var conversation: String
    package var lead: String
    package var category: String
    package var message: String
    package var atMilliseconds: Int64

    package init(conversation: String, lead: String, category: String, message: String, atMilliseconds: Int64) {
        self.conversation = conversation
        self.lead = lead
        self.category = category
        self.message = message
        self.atMilliseconds = atMilliseconds
    }

    /// The id `rejected list` shows and `rejected retry` takes.
    package var entryId: String { Self.entryIdPrefix + conversation }
    package static let entryIdPrefix = "conversation:"
}

/// Conversation counts, read without scanning messages.
package struct ConversationCounts: Sendable, Hashable {
    package var conversations: Int64
    /// Conversations whose notes lack a message or the summary (rejected ones aside).
    package var pending: Int64
    /// The seq of the last message appended: a new message changes it.
    package var lastMessage: Int64
    /// Conversations HubSpot refused (entries of `rejected list`).
    package var rejected: Int64

    package init(conversations: Int64, pending: Int64, lastMessage: Int64, rejected: Int64 = 0) {
        self.conversations = conversations
        self.pending = pending
        self.lastMessage = lastMessage
        self.rejected = rejected
    }
}
