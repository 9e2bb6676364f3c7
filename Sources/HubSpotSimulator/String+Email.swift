/// Email text as HubSpot compares it, done on UTF-8 bytes: Foundation's trimming and character
/// iteration were a large share of the upsert path.
extension StringProtocol where UTF8View: BidirectionalCollection {
    /// Without leading and trailing spaces and tabs; the same string when there are none.
    var trimmedSpaces: String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return "" }
        func space(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
        guard space(first) || space(last) else { return String(self) }
        guard let start = utf8.firstIndex(where: { !space($0) }), let end = utf8.lastIndex(where: { !space($0) }) else {
            return ""
        }
        return String(Substring(self)[start...end])
    }

    /// Trimmed and lowercased: the key emails are compared by.
    var emailKey: String {
        let trimmed = trimmedSpaces
        guard trimmed.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A || $0 >= 0x80 }) else { return trimmed }
        return trimmed.lowercased()
    }
}
