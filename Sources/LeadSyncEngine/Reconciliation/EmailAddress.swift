import Foundation

/// The email that identifies a lead: trimmed and lowercased, as it is matched and sent.
package struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The normalised address.
    package let value: String

    /// Normalises `text` (trim, lowercase) and checks its syntax as HubSpot does: one `@`, a
    /// non-empty local part of at most 64 characters, no spaces, a dotted domain of letters,
    /// digits and hyphens whose last label has two or more letters. Returns nil when HubSpot would
    /// refuse it as `INVALID_EMAIL`.
    package init?(_ text: String) {
        // A drain checks every lead's email several times; the byte path gives the same answer
        // as the Unicode one for ASCII text at a small fraction of its cost (EmailAddressTests).
        var text = text
        switch text.withUTF8(Self.checkASCII) {
        case .valid(let normalised): value = normalised
        case .invalid: return nil
        case .notASCII:
            guard let normalised = Self.checkUnicode(text) else { return nil }
            value = normalised
        }
    }

    package var description: String { value }

    /// The check on Unicode characters (trimming and whitespace as Foundation defines them).
    package static func checkUnicode(_ text: String) -> String? {
        let normalised = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = normalised.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty,
            local.utf8.count <= 64, !normalised.contains(where: \.isWhitespace)
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
            domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
            let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return nil }
        return normalised
    }

    enum ASCIICheck {
        case valid(String)
        case invalid
        /// A byte over 0x7F: only the Unicode check knows its whitespace, case and letters.
        case notASCII
    }

    /// The same check as ``checkUnicode(_:)`` on bytes, for text that is all ASCII.
    static func checkASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> ASCIICheck {
        if bytes.contains(where: { $0 >= 0x80 }) { return .notASCII }
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }) else { return .invalid }
        let last = bytes.lastIndex(where: { !isSpace($0) })!
        let trimmed = UnsafeBufferPointer(rebasing: bytes[first...last])
        guard !trimmed.contains(where: isSpace), let at = trimmed.firstIndex(of: UInt8(ascii: "@")),
            at > 0, at <= 64, !trimmed[(at + 1)...].contains(UInt8(ascii: "@"))
        else { return .invalid }
        func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        func isLetter(_ byte: UInt8) -> Bool { (0x61...0x7A).contains(lower(byte)) }
        // Labels of the domain: non-empty, of letters, digits and hyphens, no hyphen at either end.
        var labels = 0
        var labelStart = at + 1
        var tldLetters = true
        for index in (at + 1)...trimmed.count {
            let byte = index < trimmed.count ? trimmed[index] : UInt8(ascii: ".")
            if byte == UInt8(ascii: ".") {
                guard index > labelStart, trimmed[labelStart] != UInt8(ascii: "-"),
                    trimmed[index - 1] != UInt8(ascii: "-")
                else { return .invalid }
                labels += 1
                tldLetters = index - labelStart >= 2 && trimmed[labelStart..<index].allSatisfy(isLetter)
                labelStart = index + 1
            } else if !(isLetter(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: "-")) {
                return .invalid
            }
        }
        guard labels >= 2, tldLetters else { return .invalid }
        // Written into the string's own storage: decoding a lazy map of the bytes takes the
        // string initializer's slow, generic path.
        let normalised = String(unsafeUninitializedCapacity: trimmed.count) { buffer in
            for (index, byte) in trimmed.enumerated() { buffer[index] = lower(byte) }
            return trimmed.count
        }
        return .valid(normalised)
    }
}
