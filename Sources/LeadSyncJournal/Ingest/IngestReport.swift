/// What an ingest did: how many changes it appended and which lines it refused, and why.
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

    public var appended: Int = 0
    public var invalid: [Invalid] = []
    /// Blank lines, counted and ignored.
    public var blank: Int = 0
}
