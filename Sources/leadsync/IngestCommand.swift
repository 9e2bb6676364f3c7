public import ArgumentParser
import Foundation
public import LeadSyncJournal
import LeadSyncSupport

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Append lead changes from NDJSON or CSV to the journal.",
        discussion: """
            Every valid line is appended durably; every invalid line is reported on stderr as \
            `line N: reason` and does not stop the others. Exit 0 when all lines were valid, 1 when \
            some were not.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The file to read; - or nothing reads stdin.") var file: String?

    @Option(help: "ndjson or csv (default: csv for a FILE ending in .csv, else ndjson).") var format: IngestFormat?

    @Option(help: "Changes per transaction.") var batchSize = 10_000

    @Option(
        help: """
            Names this input: lines of it the journal already holds (from an earlier ingest with this \
            id) are skipped, so a re-run after a failure or a kill appends each line once.
            """)
    var inputID: String?

    @Flag(help: "Print one JSON document on stdout.") var json = false

    @Flag(help: .hidden) var printCommits = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be at least 1") }
        if let inputID,
            inputID.trimmingCharacters(in: .whitespaces).isEmpty || inputID.count > 256
                || inputID.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            throw ValidationError("--input-id must be 1–256 characters, not only spaces, without control characters")
        }
    }

    /// SQLite's page cache for an ingest: its fold goes through the leads in order, each once,
    /// which a small cache serves; the 8 MiB default put a large ingest over its 64 MB goal
    /// (docs/benchmarks.md).
    static let journalCacheKiB = 2_048

    func run() throws {
        // A tenant is reached through async stores; this command blocks on reads of its input.
        let workspace = try Blocking.run { [global] in try await global.openWorkspace(cacheKiB: Self.journalCacheKiB) }
        defer { _ = try? Blocking.run { await workspace.close() } }
        let fd: Int32
        if let file, file != "-" {
            fd = open(file, O_RDONLY)
            guard fd >= 0 else {
                throw CommandError(.failure, "cannot open \(file): \(String(cString: strerror(errno)))")
            }
            var info = stat()
            if fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                close(fd)
                throw CommandError(.failure, "cannot ingest \(file): it is a directory (give a file, or - for stdin)")
            }
        } else {
            fd = STDIN_FILENO
        }
        defer { if fd != STDIN_FILENO { close(fd) } }
        // Without --input-id the input still gets one, named in the error should the ingest stop.
        let id = inputID ?? String(UInt64.random(in: 1 << 60 ... .max), radix: 16)
        let now = Timestamp.epochMilliseconds(Date())
        var ingester =
            switch workspace.kind {
            case .file(let journal, _):
                Ingester(journal: journal, format: resolvedFormat, defaultAt: now, inputID: id)
            case .tenant(let tenant, _, _):
                Ingester(
                    sink: StoresIngestSink(store: tenant), format: resolvedFormat, defaultAt: now, inputID: id)
            }
        ingester.batchSize = batchSize
        if printCommits {
            // For crash tests: each line is written after its batch committed.
            ingester.onCommit = { seq, line in Output.note("committed seq \(seq) line \(line)") }
        }
        let report: IngestReport
        do {
            report = try ingester.run(fileDescriptor: fd)
        } catch {
            // What is appended is durable, and the batch whose commit the disk did not confirm may
            // be too: name the input id, whose re-run skips exactly what the journal holds.
            show(error.report, failure: "\(error)", inputID: id)
            var resume =
                error.report.appended > 0
                ? "; \(error.report.appended) changes up to line \(error.report.lastAppendedLine) are appended"
                : "; nothing was appended"
            if let lines = error.report.unconfirmedLines {
                resume +=
                    "; lines \(lines.lowerBound)–\(lines.upperBound) may be appended too (the disk did not confirm their commit)"
            }
            if error.report.appended > 0 || error.report.unconfirmedLines != nil {
                resume +=
                    "; to append the rest, each line once, re-run the same command on the same input"
                    + (inputID == nil ? " with --input-id \(id)" : "") + ": it skips the lines the journal holds"
            }
            throw CommandError(.failure, "ingest stopped: \(error)\(resume)")
        }
        show(report, failure: nil, inputID: id)
        if report.invalidCount > 0 { throw ExitCode(ExitStatus.failure.rawValue) }
    }

    /// The refused lines on stderr and the summary (one JSON document under `--json`).
    private func show(_ report: IngestReport, failure: String?, inputID id: String) {
        for invalid in report.invalid { Output.note("line \(invalid.line): \(invalid.error)") }
        if report.invalidCount > report.invalid.count {
            Output.note(
                "… and \(report.invalidCount - report.invalid.count) more invalid lines (the first \(report.invalid.count) are listed)"
            )
        }
        if json {
            var members: [(String, JSONValue)] = [
                ("appended", .integer(report.appended)),
                ("messages", .integer(report.messages)),
                ("duplicate_messages", .integer(report.duplicateMessages)),
                (
                    "invalid",
                    .array(report.invalid.map { .object([("line", .integer($0.line)), ("error", .string($0.error))]) })
                ),
                ("invalid_count", .integer(report.invalidCount)),
            ]
            if inputID != nil { members.append(("resumed_after_line", .integer(report.resumedAfterLine))) }
            if let failure {
                members += [
                    ("last_appended_line", .integer(report.lastAppendedLine)), ("error", .string(failure)),
                    ("input_id", .string(id)),
                ]
                if let lines = report.unconfirmedLines {
                    members.append(
                        ("unconfirmed_lines", .array([.integer(lines.lowerBound), .integer(lines.upperBound)])))
                }
            }
            Output.json(.object(members))
        } else {
            var summary = "appended \(Output.count(report.appended, "change"))"
            if report.messages + report.duplicateMessages > 0 {
                summary +=
                    " (\(Output.count(report.messages, "message")), \(Output.count(report.duplicateMessages, "duplicate")))"
            }
            Output.note(summary + ", \(Output.count(report.invalidCount, "invalid line"))")
        }
    }

    /// `--format`, else inferred from the file's name: `.csv` is CSV, anything else NDJSON.
    private var resolvedFormat: IngestFormat {
        if let format { return format }
        return file?.lowercased().hasSuffix(".csv") == true ? .csv : .ndjson
    }
}

extension IngestFormat: ExpressibleByArgument {}
