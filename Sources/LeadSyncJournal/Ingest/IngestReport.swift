/// What an ingest did: how many lines and messages it appended and which lines it refused, and why.
public struct IngestReport: Sendable, Hashable {
    /// One refused line.
    public struct Invalid: Sendable, Hashable {
        /// The line number (from 1; for CSV, the line where the record starts, the header is 1).
        public var line: Int
        public var error: String

        public init(line: Int, error: String) {
            self.line = line
            self.error = error
        }
    }

    /// Refused lines kept with their reasons: the first ``maxKept``; the rest are only counted,
    /// so memory does not grow with the number of bad lines.
    public static let maxKept = 1_000

    /// Valid lines appended (a line with fields and a message counts once).
    public var appended: Int = 0
    /// Conversation messages appended.
    public var messages: Int = 0
    /// Messages not appended because their (conversation, id) was already in the journal.
    public var duplicateMessages: Int = 0
    /// The last input line whose change is appended (0 before the first commit).
    public var lastAppendedLine = 0
    /// The first ``maxKept`` refused lines.
    public var invalid: [Invalid] = []
    /// Every refused line, kept or not.
    public var invalidCount = 0
    /// Blank lines, counted and ignored.
    public var blank: Int = 0

    /// Counts a refused line, keeping it while fewer than ``maxKept`` are kept.
    mutating func refuse(line: Int, _ error: String) {
        invalidCount += 1
        if invalid.count < Self.maxKept { invalid.append(Invalid(line: line, error: error)) }
    }
}
