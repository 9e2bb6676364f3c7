import LeadSyncSupport

/// A deterministic generator of conversation lines (messages and summaries), conversation by
/// conversation: it holds one conversation's lines at a time.
///
/// ```swift
/// let spec = ConversationSpec(WorkloadSpec(leads: 1_000, changes: 5_000, seed: 7), conversations: 1_600)
/// for line in ConversationGenerator(spec) { print(line.ndjsonLine) }
/// ```
///
/// Lines of one conversation come in the order a device sends them; the generator adds what the
/// contract must cope with: re-sent messages (duplicates), messages without ids, a message sent
/// after a later one, summaries replaced (the latest `at` wins, whatever the line order) or
/// removed, texts with markup characters, quotes, line breaks and non-ASCII, and a few
/// conversations long enough to continue in a second note.
package struct ConversationGenerator: Sequence, IteratorProtocol {
    package let spec: ConversationSpec
    private var index = 0
    private var pending: [GeneratedConversationLine] = []

    package init(_ spec: ConversationSpec) { self.spec = spec }

    /// The id of conversation number `index` (0-based): `C-0000001` style, sortable.
    package static func conversationID(_ index: Int) -> String {
        let digits = String(index + 1)
        return "C-" + String(repeating: "0", count: Swift.max(0, 7 - digits.count)) + digits
    }

    package mutating func next() -> GeneratedConversationLine? {
        while pending.isEmpty {
            guard index < spec.conversations else { return nil }
            pending = conversation(index).reversed()
            index += 1
        }
        return pending.removeLast()
    }

    private func conversation(_ number: Int) -> [GeneratedConversationLine] {
        var random = SplitMix64(seed: spec.seed ^ 0xC0_4E_57A7 ^ (UInt64(number) &* 0x9E37_79B9_7F4A_7C15))
        func unit() -> Double { Double(random.next() >> 11) / Double(1 << 53) }
        let lead = LeadSetGenerator.leadID(Int(random.next() % UInt64(spec.leads)))
        let id = Self.conversationID(number)
        let long = unit() < spec.longShare
        let count = 1 + Int(random.next() % UInt64(2 * spec.meanMessages - 1))
        var at = spec.startMilliseconds + Int64(unit() * Double(spec.spanMilliseconds))
        var lines: [GeneratedConversationLine] = []
        var messageLines: [Int] = []
        for k in 0..<count {
            if k > 0 { at += 5_000 + Int64(random.next() % 295_000) }
            let visitor = k % 2 == 0
            let from = visitor ? "visitor" : (unit() < 0.3 ? "Sam (agent)" : "agent")
            let phrases = visitor ? Vocabulary.visitorMessages : Vocabulary.agentMessages
            var text = phrases.randomElement(using: &random)!
            if long {
                while text.utf8.count < 15_000 { text += " " + phrases.randomElement(using: &random)! }
            }
            let message = GeneratedConversationLine.Message(
                id: unit() < 0.9 ? "m\(k + 1)" : nil, from: from, text: text)
            let line = GeneratedConversationLine(
                lead: lead, atMilliseconds: at, conversation: id, content: .message(message))
            messageLines.append(lines.count)
            lines.append(line)
            if message.id != nil, unit() < spec.duplicateShare { lines.append(line) }
        }
        if messageLines.count >= 2, unit() < spec.lateShare {
            let (a, b) = (messageLines[messageLines.count - 2], messageLines[messageLines.count - 1])
            lines.swapAt(a, b)
        }
        if unit() < spec.summaryShare {
            func summary(_ offset: Int64, _ text: String?) -> GeneratedConversationLine {
                GeneratedConversationLine(
                    lead: lead, atMilliseconds: at + offset, conversation: id, content: .summary(text))
            }
            let sentences = (0..<(1 + random.next() % 2)).map { _ in
                Vocabulary.summaryPhrases.randomElement(using: &random)!
            }
            lines.append(summary(60_000, sentences.joined(separator: " ")))
            switch unit() {
            case ..<0.1: lines.append(summary(30_000, "An earlier, superseded summary."))
            case ..<0.13: lines.append(summary(90_000, nil))
            default: break
            }
        }
        return lines
    }
}
