/// What an ingest did: how many lines and messages it appended and which lines it refused, and why.
package struct IngestReport: Sendable, Hashable {
    /// One refused line.
    package struct Invalid: Sendable, Hashable {
        /// The line number (from 1; for CSV, the line where the record starts, the header is 1).
        package var line: Int
        package var error: String

        package init(line: Int, error: String) {
            self.line = line
            self.error = error
        }
    }

    /// Refused lines kept with their reasons: the first ``maxKept``; the rest are only counted,
    /// so memory does not grow with the number of bad lines.
    package static let maxKept = 1_000

    /// Valid lines appended (a line with fields and a message counts once).
    package var appended: Int = 0
    /// Conversation messages appended.
    package var messages: Int = 0
    /// Messages not appended because their (conversation, id) was already in the journal.
    package var duplicateMessages: Int = 0
    /// The last input line whose change is appended (0 before the first commit), or that the
    /// journal held before this ingest started (``resumedAfterLine``).
    package var lastAppendedLine = 0
    /// The last line of the input the journal held when the ingest started (from an earlier
    /// ingest with the same input id), whose lines were skipped; 0 when it held none.
    package var resumedAfterLine = 0
    /// The lines of the batch whose commit the disk failed to confirm (an fsync error): not
    /// acknowledged, yet the journal may hold them once the disk works again, since the commit
    /// reached its write-ahead log. Nil when every batch's outcome is known.
    package var unconfirmedLines: ClosedRange<Int>?
    /// The first ``maxKept`` refused lines.
    package var invalid: [Invalid] = []
    /// Every refused line, kept or not.
    package var invalidCount = 0
    /// Blank lines, counted and ignored.
    package var blank: Int = 0

    /// Counts a refused line, keeping it while fewer than ``maxKept`` are kept.
    mutating func refuse(line: Int, _ error: String) {
        invalidCount += 1
        if invalid.count < Self.maxKept { invalid.append(Invalid(line: line, error: error)) }
    }
}
