/// Reads lead changes from a file descriptor and appends every valid one to a journal in batch
/// transactions; every invalid line is reported with its line number and reason and does not
/// stop the others.
///
/// ```swift
/// var ingester = Ingester(journal: journal, format: .ndjson, defaultAt: nowMs)
/// let report = try ingester.run(fileDescriptor: STDIN_FILENO)
/// ```
public struct Ingester {
    /// Lines longer than this are invalid ("line exceeds 1 MiB").
    public static let maxLineLength = 1 << 20

    public let journal: Journal
    public let format: IngestFormat
    /// `at` for changes that give none: the time of ingest, in epoch milliseconds.
    public let defaultAt: Int64
    /// Changes per transaction. Default 1,000: one fsync amortised over many rows, and a
    /// transaction short enough that other appenders and a sync barely wait.
    public var batchSize = 1_000
    /// Called after each batch commits, with the last appended seq and the last line it held.
    public var onCommit: ((_ seq: Int64, _ line: Int) -> Void)?

    public init(journal: Journal, format: IngestFormat, defaultAt: Int64) {
        self.journal = journal
        self.format = format
        self.defaultAt = defaultAt
    }

    /// Reads to the end of `fd`, appending and folding batch by batch (`ChangeLog.ingest`), then
    /// folds whatever others appended meanwhile. Changes appended before a failure stay appended.
    ///
    /// Synchronous, because it blocks on reads of `fd`: it reaches the journal through
    /// `Journal.blocking(_:)`. Call it from a plain thread or a synchronous command.
    public func run(fileDescriptor fd: Int32) throws -> IngestReport {
        var reader = LineReader(fileDescriptor: fd, maxLength: Self.maxLineLength)
        var report = IngestReport()
        var batch: [LeadChange] = []
        var batchLastLine = 0
        batch.reserveCapacity(batchSize)

        func flush() throws {
            guard !batch.isEmpty else { return }
            let changes = batch
            if let seq = try journal.blocking({ try await $0.changeLog.ingest(changes) }) { onCommit?(seq, batchLastLine) }
            report.appended += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        func accept(_ result: Result<LeadChange, IngestLineError>, line: Int) throws {
            switch result {
            case .success(let change):
                batch.append(change)
                batchLastLine = line
                if batch.count >= batchSize { try flush() }
            case .failure(let error):
                report.invalid.append(.init(line: line, error: error.message))
            }
        }

        switch format {
        case .ndjson:
            while let line = try reader.next() {
                switch line {
                case .tooLong(let number, _):
                    report.invalid.append(.init(line: number, error: "line exceeds 1 MiB"))
                case .text(let number, let bytes):
                    if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                        report.blank += 1
                        continue
                    }
                    try accept(ChangeLineParser.parse(bytes, defaultAt: defaultAt), line: number)
                }
            }
        case .csv:
            var csv = CSVChangeReader(defaultAt: defaultAt)
            while let line = try reader.next() {
                if let (result, number) = csv.feed(line) { try accept(result, line: number) }
                if let error = csv.headerError {
                    report.invalid.append(.init(line: 1, error: error.message))
                    break
                }
            }
            if let (error, number) = csv.finish() { report.invalid.append(.init(line: number, error: error.message)) }
            report.blank += csv.blank
        }
        try flush()
        _ = try journal.blocking { try await $0.changeLog.fold() }
        return report
    }
}
