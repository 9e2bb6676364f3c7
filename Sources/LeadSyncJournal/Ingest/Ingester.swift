internal import LeadSyncSQLite

/// Reads lead changes from a file descriptor and appends every valid one to a journal in batch
/// transactions; every invalid line is reported with its line number and reason and does not
/// stop the others.
///
/// ```swift
/// var ingester = Ingester(journal: journal, format: .ndjson, defaultAt: nowMs)
/// let report = try ingester.run(fileDescriptor: STDIN_FILENO)
/// ```
package struct Ingester {
    /// Lines longer than this are invalid ("line exceeds 1 MiB").
    package static let maxLineLength = 1 << 20

    package let journal: Journal
    package let format: IngestFormat
    /// `at` for changes that give none: the time of ingest, in epoch milliseconds.
    package let defaultAt: Int64
    /// Changes per transaction. Default 1,000: one fsync amortised over many rows, and a
    /// transaction short enough that other appenders and a sync barely wait.
    package var batchSize = 1_000
    /// Called after each batch commits, with the last appended seq and the last line it held.
    package var onCommit: ((_ seq: Int64, _ line: Int) -> Void)?

    package init(journal: Journal, format: IngestFormat, defaultAt: Int64) {
        self.journal = journal
        self.format = format
        self.defaultAt = defaultAt
    }

    /// Reads to the end of `fd`, appending and folding batch by batch (`ChangeLog.ingest`), then
    /// folds whatever others appended meanwhile. Changes appended before a failure stay appended.
    ///
    /// Synchronous, because it blocks on reads of `fd`: it reaches the journal through
    /// `Journal.blocking(_:)`. Call it from a plain thread or a synchronous command.
    ///
    /// - Throws: ``IngestFailure`` carrying what was appended before the failure (nothing when
    ///   the journal could not even fold what it already held).
    package func run(fileDescriptor fd: Int32) throws(IngestFailure) -> IngestReport {
        var report = IngestReport()
        do {
            // A journal that cannot fold what it holds is damaged: append nothing to it.
            _ = try journal.blocking { try await $0.changeLog.fold() }
            try read(fd, into: &report)
            _ = try journal.blocking { try await $0.changeLog.fold() }
        } catch {
            throw IngestFailure(report: report, error: error)
        }
        return report
    }

    private func read(_ fd: Int32, into report: inout IngestReport) throws {
        var reader = LineReader(fileDescriptor: fd, maxLength: Self.maxLineLength)
        var batch: [(line: Int, content: IngestLine)] = []
        batch.reserveCapacity(batchSize)
        // The next batch is parsed while the last one is written.
        let writer = IngestWriter(journal)
        var writing: [(line: Int, content: IngestLine)] = []

        func settle(_ outcome: IngestWriter.Outcome?, _ lines: [(line: Int, content: IngestLine)]) {
            guard let outcome, let last = lines.last?.line else { return }
            if let seq = outcome.lastSeq { onCommit?(seq, last) }
            for (index, error) in outcome.conversations.refused.sorted(by: { $0.key < $1.key }) {
                report.refuse(line: lines[index].line, error)
            }
            report.appended += lines.count - outcome.conversations.refused.count
            report.lastAppendedLine = last
            report.messages += outcome.conversations.messages
            report.duplicateMessages += outcome.conversations.duplicateMessages
        }
        func flush() throws {
            guard !batch.isEmpty else { return }
            let previous = try writer.submit(batch.map(\.content))
            let settled = writing
            writing = batch
            batch.removeAll(keepingCapacity: true)
            settle(previous, settled)
        }
        func accept(_ result: Result<IngestLine, IngestLineError>, line: Int) throws {
            switch result {
            case .success(let content):
                batch.append((line, content))
                if batch.count >= batchSize { try flush() }
            case .failure(let error):
                report.refuse(line: line, error.message)
            }
        }

        do {
            switch format {
            case .ndjson:
                while let line = try reader.next() {
                    switch line {
                    case .tooLong(let number, _):
                        report.refuse(line: number, "line exceeds 1 MiB")
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
                    if let (result, number) = csv.feed(line) {
                        try accept(result.map { IngestLine(change: $0) }, line: number)
                    }
                    if let error = csv.headerError {
                        report.refuse(line: 1, error.message)
                        break
                    }
                }
                if let (error, number) = csv.finish() { report.refuse(line: number, error.message) }
                report.blank += csv.blank
            }
            try flush()
            settle(try writer.waitForInFlight(), writing)
        } catch {
            // The batch in flight is durable once it commits: count it before giving up.
            if let outcome = try? writer.waitForInFlight() {
                settle(outcome, writing)
            } else if (error as? SQLiteError)?.isUnconfirmedSync == true, let first = writing.first,
                let last = writing.last
            {
                report.unconfirmedLines = first.line...last.line
            }
            throw error
        }
        report.invalid.sort { $0.line < $1.line }
    }
}

/// An ingest that stopped on an error (disk full, a damaged journal, a read error), with what it
/// had appended by then: those changes are durable, so a re-run must start after
/// ``IngestReport/lastAppendedLine`` to add nothing twice.
package struct IngestFailure: Error, CustomStringConvertible {
    package let report: IngestReport
    package let error: any Error

    package var description: String { "\(error)" }
}
