package import LeadSyncJournal
import LeadSyncSupport

/// One HubSpot note of a conversation as leadsync writes it.
package struct RenderedNote: Sendable, Equatable {
    /// 1 for the conversation's note, 2… for its continuation notes.
    package var part: Int
    /// `hs_note_body`: HTML, at most ``NoteRenderer/bodyLimit`` UTF-8 bytes.
    package var body: String
    /// `hs_timestamp` (epoch ms): the `at` of the part's first message (of the summary when the
    /// part holds no message).
    package var timestamp: Int64

    package init(part: Int, body: String, timestamp: Int64) {
        self.part = part
        self.body = body
        self.timestamp = timestamp
    }
}

/// Turns a conversation into note bodies (docs/conversations.md, "The note"):
///
/// ```html
/// <p><strong>Summary</strong><br>Wants 40 Pro seats; budget approved.</p>
/// <p><strong>visitor</strong> 2026-11-28 10:15:00 UTC<br>Hi, what does Pro cost?</p>
/// <p>leadsync: conversation C-77</p>
/// ```
///
/// Every text is HTML-escaped and its line breaks become `<br>`. The closing line names the
/// conversation (and the part, for continuation notes: `leadsync: part 2 of conversation C-77`);
/// it is how a note is recognised among a contact's notes after a lost answer, so it is plain
/// ASCII around the id and its two forms cannot be mistaken for each other whatever the id holds
/// (an escaped id has no `<`).
///
/// Parts are filled greedily in display order; a block that does not fit in an empty part (a
/// message longer than the limit) is split at character boundaries and continued in the next
/// part. Nothing is ever cut.
package enum NoteRenderer {
    /// HubSpot's limit on `hs_note_body` is 65,536 characters. leadsync counts UTF-8 bytes, which
    /// are never fewer than characters however HubSpot counts them (UTF-16 units or scalars).
    package static let bodyLimit = 65_536

    /// The note bodies of `transcript`, numbered after its sealed parts; at least up to part
    /// `minimumParts` (parts that lost their messages to earlier parts say so, so a note once
    /// written is never left stale).
    package static func render(_ transcript: ConversationTranscript, limit: Int = bodyLimit, minimumParts: Int = 1)
        -> [RenderedNote]
    {
        layout(transcript, limit: limit, minimumParts: minimumParts).map(\.note)
    }

    /// One rendered part and where the transcript's messages stand at its end.
    struct LaidOutPart {
        var note: RenderedNote
        /// How many of the transcript's messages (in display order) end in this part or before.
        var messagesThrough: Int
        /// The part ends inside a block (a message or the summary) that goes on in the next part.
        var endsInsideBlock: Bool
    }

    /// ``render(_:limit:minimumParts:)`` with each part's place in the transcript, for sealing.
    static func layout(_ transcript: ConversationTranscript, limit: Int = bodyLimit, minimumParts: Int = 1)
        -> [LaidOutPart]
    {
        var blocks: [Block] = []
        if let summary = transcript.summary {
            blocks.append(Block(heading: "<strong>Summary</strong>", text: summary, at: nil))
        }
        for message in transcript.messages {
            let heading = "<strong>" + escape(message.from) + "</strong> " + displayTime(message.at)
            blocks.append(Block(heading: heading, text: message.text, at: message.at))
        }
        var parts: [LaidOutPart] = []
        var body = ""
        var timestamp: Int64?
        var messagesDone = 0
        var nextPart: Int { transcript.sealedParts + parts.count + 1 }
        func close(insideBlock: Bool = false) {
            let part = nextPart
            parts.append(
                LaidOutPart(
                    note: RenderedNote(
                        part: part, body: body + closingLine(conversation: transcript.conversation, part: part),
                        timestamp: timestamp ?? transcript.summaryAt ?? transcript.messages.first?.at ?? 0),
                    messagesThrough: messagesDone, endsInsideBlock: insideBlock))
            body = ""
            timestamp = nil
        }
        for block in blocks {
            var remaining = Substring(block.text)
            var heading = block.heading
            while true {
                let room =
                    limit - closingLine(conversation: transcript.conversation, part: nextPart).utf8.count
                    - body.utf8.count
                let whole = "<p>" + heading + "<br>" + escapeText(remaining) + "</p>"
                if whole.utf8.count <= room {
                    body += whole
                    if timestamp == nil, let at = block.at { timestamp = at }
                    break
                }
                // Split only in an empty part, so a block that fits a fresh part stays whole.
                guard body.isEmpty else {
                    close()
                    continue
                }
                let overhead = ("<p>" + heading + "<br></p>").utf8.count
                let (head, tail) = prefix(of: remaining, fittingIn: room - overhead)
                body += "<p>" + heading + "<br>" + escapeText(head) + "</p>"
                if timestamp == nil, let at = block.at { timestamp = at }
                close(insideBlock: true)
                remaining = tail
                heading = block.heading + " (continued)"
            }
            if block.at != nil { messagesDone += 1 }
        }
        if !body.isEmpty || parts.isEmpty { close() }
        while nextPart <= minimumParts {
            body = "<p>(no further messages: the transcript fits in the earlier notes)</p>"
            close()
        }
        return parts
    }

    /// The last paragraph of a part's body.
    package static func closingLine(conversation: String, part: Int) -> String {
        part == 1
            ? "<p>leadsync: conversation " + escape(conversation) + "</p>"
            : "<p>leadsync: part \(part) of conversation " + escape(conversation) + "</p>"
    }

    /// Whether `body` (as HubSpot returns it) is part `part` of `conversation`: the text of that
    /// part's closing line appears in it, ending a paragraph.
    package static func body(_ body: String, isPart part: Int, of conversation: String) -> Bool {
        let text = closingLine(conversation: conversation, part: part).dropFirst(3).dropLast(4)
        var rest = body[...]
        while let range = rest.range(of: text) {
            rest = rest[range.upperBound...]
            if rest.isEmpty || rest.hasPrefix("<") { return true }
        }
        return false
    }

    /// `&`, `<`, `>`, `"` and `'` as entities; everything else (non-ASCII included) as is.
    package static func escape<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { appendEscaped(scalar, to: &out) }
        return out
    }

    /// Escaped, with each line break (`\r\n`, `\n`, `\r`) as `<br>`. One pass over the scalars:
    /// a carriage return and the line feed after it make one break.
    static func escapeText<S: StringProtocol>(_ text: S) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var afterCarriageReturn = false
        for scalar in text.unicodeScalars {
            defer { afterCarriageReturn = scalar == "\r" }
            switch scalar {
            case "\n" where afterCarriageReturn: continue
            case "\r", "\n": out += "<br>"
            default: appendEscaped(scalar, to: &out)
            }
        }
        return out
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to out: inout String) {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(scalar)
        }
    }

    /// The UTF-8 size of `character` as ``escapeText(_:)`` writes it.
    private static func escapedSize(_ character: Character) -> Int {
        // A line break is a character of its own (`\r\n` included): `<br>`.
        if character == "\r\n" || character == "\n" || character == "\r" { return 4 }
        return character.unicodeScalars.reduce(0) { size, scalar in
            switch scalar {
            case "&", "'": size + 5
            case "<", ">": size + 4
            case "\"": size + 6
            default: size + UTF8.width(scalar)
            }
        }
    }

    /// `2026-11-28 10:15:00 UTC`.
    static func displayTime(_ epochMilliseconds: Int64) -> String {
        let iso = Timestamp.format(epochMilliseconds: epochMilliseconds)
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(8)) + " UTC"
    }

    /// The longest prefix of `text` (whole characters, at least one) whose escaped form fits in
    /// `bytes`, and the rest.
    private static func prefix(of text: Substring, fittingIn bytes: Int) -> (Substring, Substring) {
        var used = 0
        var taken = 0
        for character in text {
            let size = escapedSize(character)
            if used + size > bytes, taken > 0 { break }
            used += size
            taken += character.utf8.count
        }
        let end = text.utf8.index(text.startIndex, offsetBy: taken)
        return (text[..<end], text[end...])
    }

    private struct Block {
        var heading: String
        var text: String
        var at: Int64?
    }
}
