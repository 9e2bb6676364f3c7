internal import LeadSyncSQLite

/// Reads lead changes from a file descriptor and appends every valid one to a journal (or a
/// store's change log and conversations: ``IngestSink``) in batch transactions; every invalid
/// line is reported with its line number and reason and does not stop the others.
///
/// Every batch's transaction also records how far the journal holds the input (its id and last
/// line, an ``IngestMark``), so an ingest given the id of an input the journal already holds
/// lines of skips them, after checking it reads the same input: a re-run after a failure or a
/// kill appends each line once, whatever the disk kept of the last commit (decision 0031).
///
/// ```swift
/// var ingester = Ingester(journal: journal, format: .ndjson, defaultAt: nowMs, inputID: "leads-2026-12-02")
/// let report = try ingester.run(fileDescriptor: STDIN_FILENO)
/// ```
package struct Ingester {
    /// Lines longer than this are invalid ("line exceeds 1 MiB").
    package static let maxLineLength = 1 << 20

    let sink: any IngestSink
    package let format: IngestFormat
    /// `at` for changes that give none: the time of ingest, in epoch milliseconds.
    package let defaultAt: Int64
    /// The input's id: lines of it the journal already holds are skipped.
    package let inputID: String
    /// Changes per transaction. Default 10,000: one fsync amortised over many rows (a commit of
    /// every 1,000 cost an ingest of 10^6 changes a fifth of its time, docs/benchmarks.md), and a
    /// transaction short enough that other appenders and a sync wait a fraction of a second.
    package var batchSize = 10_000
    /// Lines handed to the journal at a time, so that the memory of the lines being parsed and
    /// written does not grow with ``batchSize``.
    static let chunkSize = 1_000
    /// Called for each chunk of lines once its transaction commits, with the chunk's last appended
    /// seq and last line.
    package var onCommit: ((_ seq: Int64, _ line: Int) -> Void)?

    package init(journal: Journal, format: IngestFormat, defaultAt: Int64, inputID: String) {
        self.init(sink: IngestWriter(journal), format: format, defaultAt: defaultAt, inputID: inputID)
    }

    /// An ingest into `sink`: ``StoresIngestSink`` for stores other than a SQLite journal.
    package init(sink: any IngestSink, format: IngestFormat, defaultAt: Int64, inputID: String) {
        self.sink = sink
        self.format = format
        self.defaultAt = defaultAt
        self.inputID = inputID
    }

    /// Reads to the end of `fd`, appending batch by batch, then folds what it appended (each lead
    /// once, decision 0044) and whatever others appended meanwhile. Changes appended before a
    /// failure stay appended.
    /// When the journal holds lines of ``inputID``, those are read (and checked against the
    /// input's mark) but not appended or reported again.
    ///
    /// Synchronous, because it blocks on reads of `fd`: it reaches the journal through
    /// ``Blocking/run(_:)``. Call it from a plain thread or a synchronous command.
    ///
    /// - Throws: ``IngestFailure`` carrying what was appended before the failure (nothing when
    ///   the journal could not even fold what it already held, or when the input is not the one
    ///   ``inputID`` named before: ``IngestInputMismatch``).
    package func run(fileDescriptor fd: Int32) throws(IngestFailure) -> IngestReport {
        var report = IngestReport()
        do {
            let held = try sink.prepare(input: inputID)
            report.resumedAfterLine = held?.line ?? 0
            report.lastAppendedLine = report.resumedAfterLine
            try read(fd, after: held, into: &report)
            try sink.finish()
        } catch {
            throw IngestFailure(report: report, error: error)
        }
        return report
    }

    /// Reads `fd`, skipping the lines up to `held`'s, appends the rest.
    private func read(_ fd: Int32, after held: IngestMark?, into report: inout IngestReport) throws {
        var reader = LineReader(fileDescriptor: fd, maxLength: Self.maxLineLength)
        var batch: [(line: Int, content: IngestLine)] = []
        batch.reserveCapacity(min(batchSize, Self.chunkSize))
        // The next chunk is parsed while the last one is written; a transaction holds up to
        // `batchSize` lines.
        let writer = sink
        var inTransaction = 0
        // The line numbers of the chunks written and not yet committed, oldest first.
        var writing: [[Int]] = []
        // Valid lines read so far, skipped ones included: part of each batch's mark.
        var validLines = 0
        let skippedThrough = held?.line ?? 0
        // The held line is found in this input as the mark describes it (or nothing was held).
        var heldLineFound = held == nil

        // Counts the chunks committed: the oldest of `writing`.
        func settle(_ outcomes: [IngestSink.Outcome]) {
            for outcome in outcomes {
                let lines = writing.removeFirst()
                guard let last = lines.last else { continue }
                if let seq = outcome.lastSeq { onCommit?(seq, last) }
                for (index, error) in outcome.conversations.refused.sorted(by: { $0.key < $1.key }) {
                    report.refuse(line: lines[index], error)
                }
                report.appended += lines.count - outcome.conversations.refused.count
                report.lastAppendedLine = last
                report.messages += outcome.conversations.messages
                report.duplicateMessages += outcome.conversations.duplicateMessages
            }
        }
        func flush(commit: Bool) throws {
            guard let last = batch.last else { return }
            let mark = IngestMark(
                input: inputID, line: last.line, lines: validLines, lead: last.content.lead, ingestedAt: defaultAt)
            inTransaction += batch.count
            let commits = commit || inTransaction >= batchSize
            if commits { inTransaction = 0 }
            let committed = try writer.submit(batch.map(\.content), mark: mark, commit: commits)
            writing.append(batch.map(\.line))
            batch.removeAll(keepingCapacity: true)
            settle(committed)
        }
        // A line the journal already holds was reported by the ingest that read it.
        func refuse(line: Int, _ message: String) {
            if line > skippedThrough { report.refuse(line: line, message) }
        }
        func confirmHeldLineFound(endingAt end: Int?) throws {
            guard !heldLineFound, let held else { return }
            throw IngestInputMismatch(
                mark: held,
                found: end.map { "this input's line \(held.line) is not a valid line (it goes on to line \($0))" }
                    ?? "this input ends before line \(held.line)")
        }
        func accept(_ result: Result<IngestLine, IngestLineError>, line: Int) throws {
            if line > skippedThrough {
                try confirmHeldLineFound(endingAt: line)
            } else {
                guard case .success(let content) = result else { return }
                validLines += 1
                if let held, line == held.line {
                    guard content.lead == held.lead, validLines == held.lines else {
                        throw IngestInputMismatch(
                            mark: held,
                            found:
                                "this input has \(validLines) valid lines up to it, line \(line) of lead \(content.lead)"
                        )
                    }
                    heldLineFound = true
                }
                return
            }
            switch result {
            case .success(let content):
                validLines += 1
                batch.append((line, content))
                if batch.count >= min(Self.chunkSize, batchSize - inTransaction) { try flush(commit: false) }
            case .failure(let error):
                refuse(line: line, error.message)
            }
        }

        do {
            switch format {
            case .ndjson:
                while let line = try reader.next() {
                    switch line {
                    case .tooLong(let number, _):
                        refuse(line: number, "line exceeds 1 MiB")
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
                        try accept(result.map { IngestLine(change: EncodedChange($0)) }, line: number)
                    }
                    if let error = csv.headerError {
                        refuse(line: 1, error.message)
                        break
                    }
                }
                if let (error, number) = csv.finish() { refuse(line: number, error.message) }
                report.blank += csv.blank
            }
            try confirmHeldLineFound(endingAt: nil)
            try flush(commit: true)
            settle(try writer.waitForInFlight())
        } catch {
            // The chunks written are durable once they commit: count them before giving up.
            if let outcomes = try? writer.waitForInFlight(), !outcomes.isEmpty {
                settle(outcomes)
            } else if (error as? SQLiteError)?.isUnconfirmedSync == true {
                // The chunks of the transaction whose commit failed; those queued behind it were
                // not written.
                let doubtful = writing.dropLast(writer.chunksNotWritten)
                if let first = doubtful.first?.first, let last = doubtful.last?.last {
                    report.unconfirmedLines = first...last
                }
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

/// An ingest given the id of an input the journal holds lines of, whose lines are not those:
/// skipping them would lose lines, appending them could add lines twice, so nothing is appended.
package struct IngestInputMismatch: Error, CustomStringConvertible {
    let mark: IngestMark
    /// What this input holds where the mark's line should be.
    let found: String

    package var description: String {
        "input id \(mark.input) names another input: the journal holds that input up to line \(mark.line)"
            + " (\(mark.lines) valid lines, line \(mark.line) of lead \(mark.lead)), and \(found); give this input another id"
    }
}

extension IngestLine {
    /// The lead the line is about (a parsed line has a change, a conversation entry or both).
    var lead: String { change?.lead ?? conversation?.lead ?? "" }
}
