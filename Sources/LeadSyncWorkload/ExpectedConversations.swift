package import LeadSyncJournal

/// What every conversation should end as, computed from the generated lines alone, by the
/// contract's rules: a conversation belongs to the lead of its first line (a line naming it under
/// another lead is invalid and left out); a message whose
/// (conversation, id) came before is a duplicate and left out; messages show in `at` order, ties
/// in line order; the summary with the latest `at` wins (ties: the later line), and a `null`
/// summary removes it.
///
/// Tests and `leadsync bench` render each transcript with the engine's note renderer and compare
/// the bodies with the notes HubSpot holds on the lead's contact.
///
/// ```swift
/// let expected = ExpectedConversations(Array(ConversationGenerator(spec)))
/// let c77 = expected.conversations["C-0000077"]!   // (lead, transcript)
/// ```
package struct ExpectedConversations: Sendable {
    /// A conversation's lead and the transcript its notes should show.
    package struct Conversation: Sendable, Equatable {
        package var lead: String
        package var transcript: ConversationTranscript
    }

    /// Conversation id → its lead and transcript.
    package let conversations: [String: Conversation]
    /// Messages kept (duplicates left out), over every conversation.
    package let messages: Int
    /// Message lines that repeat a (conversation, id) already seen.
    package let duplicateMessages: Int

    /// A conversation while its lines are read.
    private struct Building {
        var lead: String
        var ids: Set<String> = []
        var messages: [(order: Int, message: ConversationTranscript.Message)] = []
        var summary: (at: Int64, order: Int, text: String?)?
    }

    package init(_ lines: some Sequence<GeneratedConversationLine>) {
        var building: [String: Building] = [:]
        var duplicates = 0
        for (order, line) in lines.enumerated() {
            var conversation = building[line.conversation] ?? Building(lead: line.lead)
            guard conversation.lead == line.lead else { continue }
            switch line.content {
            case .message(let message):
                if let id = message.id, !conversation.ids.insert(id).inserted {
                    duplicates += 1
                    continue
                }
                conversation.messages.append(
                    (
                        order,
                        ConversationTranscript.Message(from: message.from, text: message.text, at: line.atMilliseconds)
                    ))
            case .summary(let text):
                if conversation.summary == nil
                    || (line.atMilliseconds, order) > (conversation.summary!.at, conversation.summary!.order)
                {
                    conversation.summary = (line.atMilliseconds, order, text)
                }
            }
            building[line.conversation] = conversation
        }
        var conversations: [String: Conversation] = [:]
        var messages = 0
        for (id, built) in building {
            let ordered = built.messages.sorted { ($0.message.at, $0.order) < ($1.message.at, $1.order) }.map(\.message)
            messages += ordered.count
            let summary = built.summary?.text
            conversations[id] = Conversation(
                lead: built.lead,
                transcript: ConversationTranscript(
                    conversation: id, summary: summary, summaryAt: summary == nil ? nil : built.summary?.at,
                    messages: ordered))
        }
        self.conversations = conversations
        self.messages = messages
        duplicateMessages = duplicates
    }

    /// Conversation ids per lead, sorted.
    package var byLead: [String: [String]] {
        var result: [String: [String]] = [:]
        for (id, conversation) in conversations { result[conversation.lead, default: []].append(id) }
        return result.mapValues { $0.sorted() }
    }
}
