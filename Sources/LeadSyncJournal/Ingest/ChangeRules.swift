internal import LeadSyncSupport

/// What a change must satisfy whatever its format (NDJSON or CSV): a lead id that can be shown
/// and typed back, and an instant that can be a real change's.
enum ChangeRules {
    /// The instants accepted for `at`: from 1990 up to (not including) 2100, in epoch
    /// milliseconds. Seconds or microseconds given as milliseconds fall outside, so they are
    /// refused instead of winning forever (or never) against real changes.
    static let plausibleAt: Range<Int64> = 631_152_000_000..<4_102_444_800_000

    /// Why `id` cannot be a lead id, or nil.
    static func leadProblem(_ id: String) -> IngestLineError? {
        if id.isEmpty { return IngestLineError("\"lead\" must not be empty") }
        // Printable ASCII, nearly every id, needs no Unicode property lookups.
        let printableASCII = id.utf8.allSatisfy { (0x20..<0x7F).contains($0) }
        if !printableASCII, id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return IngestLineError("\"lead\" must not contain control characters (newline, tab, NUL …)")
        }
        let blank = printableASCII ? id.utf8.allSatisfy { $0 == UInt8(ascii: " ") } : id.allSatisfy(\.isWhitespace)
        if blank { return IngestLineError("\"lead\" must not be only spaces") }
        return nil
    }

    /// Why `milliseconds` cannot be a change's `at`, or nil.
    static func atProblem(_ milliseconds: Int64) -> IngestLineError? {
        guard !plausibleAt.contains(milliseconds) else { return nil }
        let (scaled, unit) =
            milliseconds < plausibleAt.lowerBound
            ? (milliseconds.multipliedReportingOverflow(by: 1000).partialValue, "seconds")
            : (milliseconds / 1000, "microseconds")
        let hint = plausibleAt.contains(scaled) ? " (it looks like \(unit))" : ""
        return IngestLineError(
            "\"at\" \(milliseconds) is not between 1990 and 2099 in epoch milliseconds\(hint)")
    }
}
