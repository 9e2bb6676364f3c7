/// One note of a conversation as the journal knows it: part 1 is the conversation's note, 2… its
/// continuation notes.
public struct ConversationNote: Sendable, Hashable {
    public var part: Int
    /// HubSpot's note id, once known.
    public var noteId: String?
    /// Digest of the body HubSpot holds (what leadsync last delivered); nil when unknown.
    public var digest: String?
    /// A create of this part was sent and its answer never recorded: HubSpot may hold the note.
    public var createIntended: Bool

    public init(part: Int, noteId: String?, digest: String?, createIntended: Bool) {
        self.part = part
        self.noteId = noteId
        self.digest = digest
        self.createIntended = createIntended
    }
}

/// A conversation with something to deliver.
public struct PendingConversation: Sendable, Hashable {
    public var conversation: String
    public var lead: String
    /// The lead's contact id; nil while the lead has none (the conversation waits).
    public var contactId: String?
    /// The revision `transcript` shows: delivering it makes the conversation delivered unless
    /// it changed meanwhile.
    public var revision: Int64
}

/// What the notes lane learned, recorded in one transaction per answer.
public enum NoteOutcome: Sendable, Hashable {
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
public struct ConversationInfo: Sendable, Hashable {
    public enum State: String, Sendable {
        case delivered, pending, rejected
    }

    public var conversation: String
    public var lead: String
    public var messages: Int
    public var state: State
    /// Note ids by part.
    public var notes: [ConversationNote]

    public init(conversation: String, lead: String, messages: Int, state: State, notes: [ConversationNote]) {
        self.conversation = conversation
        self.lead = lead
        self.messages = messages
        self.state = state
        self.notes = notes
    }
}

/// A refused conversation, as `rejected list` shows it beside refused field values.
public struct RejectedConversation: Sendable, Hashable {
    public var conversation: String
    public var lead: String
    public var category: String
    public var message: String
    public var atMilliseconds: Int64

    public init(conversation: String, lead: String, category: String, message: String, atMilliseconds: Int64) {
        self.conversation = conversation
        self.lead = lead
        self.category = category
        self.message = message
        self.atMilliseconds = atMilliseconds
    }

    /// The id `rejected list` shows and `rejected retry` takes.
    public var entryId: String { Self.entryIdPrefix + conversation }
    public static let entryIdPrefix = "conversation:"
}

/// Conversation counts, read without scanning messages.
public struct ConversationCounts: Sendable, Hashable {
    public var conversations: Int64
    /// Conversations whose notes lack a message or the summary (rejected ones aside).
    public var pending: Int64
    /// The seq of the last message appended: a new message changes it.
    public var lastMessage: Int64
    /// Conversations HubSpot refused (entries of `rejected list`).
    public var rejected: Int64

    public init(conversations: Int64, pending: Int64, lastMessage: Int64, rejected: Int64 = 0) {
        self.conversations = conversations
        self.pending = pending
        self.lastMessage = lastMessage
        self.rejected = rejected
    }
}
