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
        func mayChange(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A || byte >= 0x80 }
        // Scanned as contiguous bytes when possible: iterating the UTF-8 view byte by byte cost
        // more than the scan (emails are keyed several times per upserted contact).
        let lowercase =
            trimmed.utf8.withContiguousStorageIfAvailable { $0.contains(where: mayChange) }
            ?? trimmed.utf8.contains(where: mayChange)
        return lowercase ? trimmed.lowercased() : trimmed
    }
}
