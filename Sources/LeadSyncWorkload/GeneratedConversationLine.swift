package import LeadSyncJournal
import LeadSyncSupport

/// One generated conversation line, shaped like an ingest line of the contract's "Conversation
/// data": a message or a summary (set or removed) of a conversation of a lead, with no fields.
package struct GeneratedConversationLine: Sendable, Hashable {
    /// A message: its optional id (a re-sent id is a duplicate), speaker and text.
    package struct Message: Sendable, Hashable {
        package var id: String?
        package var from: String
        package var text: String

        package init(id: String?, from: String, text: String) {
            self.id = id
            self.from = from
            self.text = text
        }
    }

    /// What the line carries besides the lead, time and conversation.
    package enum Content: Sendable, Hashable {
        case message(Message)
        /// A summary; nil removes the conversation's summary (NDJSON `null`).
        case summary(String?)
    }

    package var lead: String
    package var atMilliseconds: Int64
    package var conversation: String
    package var content: Content

    package init(lead: String, atMilliseconds: Int64, conversation: String, content: Content) {
        self.lead = lead
        self.atMilliseconds = atMilliseconds
        self.conversation = conversation
        self.content = content
    }

    /// The line as NDJSON (without the newline), as `leadsync ingest` reads it.
    package var ndjsonLine: String {
        var out: [UInt8] = []
        out.reserveCapacity(160)
        out.append(contentsOf: #"{"lead":"#.utf8)
        JSONText.appendString(lead, to: &out)
        out.append(contentsOf: #","at":"#.utf8)
        JSONText.appendString(Timestamp.format(epochMilliseconds: atMilliseconds), to: &out)
        out.append(contentsOf: #","conversation":"#.utf8)
        JSONText.appendString(conversation, to: &out)
        switch content {
        case .message(let message):
            out.append(contentsOf: #","message":{"#.utf8)
            if let id = message.id {
                out.append(contentsOf: #""id":"#.utf8)
                JSONText.appendString(id, to: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""from":"#.utf8)
            JSONText.appendString(message.from, to: &out)
            out.append(contentsOf: #","text":"#.utf8)
            JSONText.appendString(message.text, to: &out)
            out.append(UInt8(ascii: "}"))
        case .summary(let text):
            out.append(contentsOf: #","summary":"#.utf8)
            if let text { JSONText.appendString(text, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The line as the journal records it (what `leadsync ingest` makes of ``ndjsonLine``).
    package var entry: ConversationEntry {
        switch content {
        case .message(let message):
            ConversationEntry(
                lead: lead, conversation: conversation, atMilliseconds: atMilliseconds,
                message: .init(id: message.id, from: message.from, text: message.text))
        case .summary(let text):
            ConversationEntry(
                lead: lead, conversation: conversation, atMilliseconds: atMilliseconds,
                summary: text.map { .set($0) } ?? .remove)
        }
    }
}
