import Foundation
import LeadSyncSupport
import LeadSyncTestKit
import Testing

/// Reliability suite, item 5: `leadsync ingest` on generated hostile input never crashes, names
/// every bad line and loses no good one.
///
/// Each case is a document of pristine valid lines (each a lead of its own, read back afterwards),
/// lines invalid by construction (bad JSON, wrong types, NUL, invalid UTF-8, over-long lines, …),
/// mutants (valid lines with random bytes flipped, inserted or deleted: valid or not, each must be
/// either appended or named) and blank lines. The checks: the process exits 0 or 1 with one JSON
/// document; every invalid line is named with its number; no pristine line is named; appended
/// plus named equals the lines (records, for CSV) that are not blank; sampled pristine leads
/// hold exactly their values.
///
/// `LEADSYNC_FUZZ_CASES` (default 12 per format) and `LEADSYNC_FUZZ_SEED` choose the run;
/// `scripts/fuzz-ingest.sh` runs for as long as it is given. A failing case is written to a file
/// whose path the failure names: add it to `Tests/Fixtures/ingest-corpus/` to replay it for ever.
@Suite(.hangGuard) struct IngestFuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let cases = environment["LEADSYNC_FUZZ_CASES"].flatMap(Int.init) ?? 12
    static let seed = environment["LEADSYNC_FUZZ_SEED"].flatMap(UInt64.init) ?? 2_026

    @Test func generatedNDJSON() throws {
        for index in 0..<Self.cases {
            try check(FuzzDocument.ndjson(seed: Self.seed &+ UInt64(index)), format: "ndjson")
        }
    }

    @Test func generatedCSV() throws {
        for index in 0..<Self.cases {
            try check(FuzzDocument.csv(seed: Self.seed &+ UInt64(index)), format: "csv")
        }
    }

    /// The checked-in corpus: each `NAME.ndjson`/`NAME.csv` beside a `NAME.ndjson.expected` whose
    /// first line is `appended N` and whose other lines are the invalid line numbers.
    @Test func corpusReplays() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/ingest-corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus.path).filter {
            !$0.hasSuffix(".expected")
        }
        #expect(names.count >= 10)
        for name in names.sorted() {
            let file = corpus.appendingPathComponent(name)
            let expected = try String(contentsOf: file.appendingPathExtension("expected"), encoding: .utf8)
                .split(whereSeparator: \.isNewline)
            let appended = try #require(expected.first.flatMap { Int($0.dropFirst("appended ".count)) }, "\(name)")
            let invalid = Set(expected.dropFirst().compactMap { Int($0) })
            let cli = try LeadsyncCLI()
            let result = try cli.run(
                ["ingest", file.path, "--json", "--format", file.pathExtension])
            let report = try #require(IngestJSON(result), "\(name): exit \(result.status) \(result.stderr)")
            #expect(Set(report.invalid.map(\.line)) == invalid, "\(name): \(report.invalid)")
            #expect(report.appended == appended, "\(name)")
            #expect(report.invalid.allSatisfy { !$0.error.isEmpty }, "\(name)")
            #expect(result.status == (invalid.isEmpty ? 0 : 1), "\(name)")
        }
    }

    private func check(_ document: FuzzDocument, format: String) throws {
        let cli = try LeadsyncCLI()
        let result = try cli.run(["ingest", "--json", "--format", format], stdin: document.bytes)
        let keep = {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "leadsync-fuzz-\(document.seed).\(format)")
            try? document.bytes.write(to: path)
            return "seed \(document.seed), input kept at \(path.path)"
        }
        guard let report = IngestJSON(result), result.status == 0 || result.status == 1 else {
            Issue.record(
                "\(keep()): exit \(result.status), stdout \(result.stdoutText.prefix(200)), \(result.stderr.suffix(500))"
            )
            return
        }
        let named = Set(report.invalid.map(\.line))
        let missed = document.invalid.subtracting(named)
        let wronglyNamed = named.intersection(document.pristine.keys)
        #expect(missed.isEmpty, "\(keep()): invalid lines not named: \(missed.sorted())")
        #expect(
            wronglyNamed.isEmpty,
            "\(keep()): valid lines named: \(report.invalid.filter { wronglyNamed.contains($0.line) })")
        #expect(report.invalid.allSatisfy { !$0.error.isEmpty })
        #expect(named.count == report.invalid.count, "\(keep()): a line named twice")
        #expect(
            report.appended + report.invalid.count == document.entries,
            "\(keep()): appended \(report.appended) + named \(report.invalid.count) ≠ \(document.entries) entries")
        // A sample of the pristine leads, read back.
        for (_, lead) in document.pristine.sorted(by: { $0.key < $1.key }).prefix(3) {
            let (_, shown) = try cli.json("lead", "show", lead.id)
            let fields = (shown as? [String: Any])?["fields"] as? [String: Any] ?? [:]
            let values = fields.mapValues { "\($0)" }
            #expect(values == lead.fields, "\(keep()): lead \(lead.id)")
        }
    }
}

/// `ingest --json`'s document.
struct IngestJSON {
    struct Invalid {
        let line: Int
        let error: String
    }
    let appended: Int
    let invalid: [Invalid]

    init?(_ result: ProcessResult) {
        guard let object = try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any],
            let appended = object["appended"] as? Int, let invalid = object["invalid"] as? [[String: Any]]
        else { return nil }
        self.appended = appended
        self.invalid = invalid.map { Invalid(line: $0["line"] as? Int ?? 0, error: $0["error"] as? String ?? "") }
    }
}

/// One generated input document and what it holds.
struct FuzzDocument {
    /// A valid lead of the document: its id and field values as the journal must hold them.
    struct Lead {
        let id: String
        let fields: [String: String]
    }

    let seed: UInt64
    var bytes = Data()
    /// Line numbers (of a record's first line, for CSV) of pristine valid entries.
    var pristine: [Int: Lead] = [:]
    /// Line numbers that are invalid by construction.
    var invalid: Set<Int> = []
    /// Entries that are not blank (lines for NDJSON, records for CSV).
    var entries = 0
    private var line = 1
    private var random: SplitMix64

    private init(seed: UInt64) {
        self.seed = seed
        random = SplitMix64(seed: seed)
    }

    private mutating func pick(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
    private mutating func chance(_ percent: Int) -> Bool { pick(100) < percent }

    /// Appends one entry (a line, or a CSV record whose quoted cells may hold newlines).
    private mutating func append(_ text: [UInt8]) {
        bytes.append(contentsOf: text)
        bytes.append(UInt8(ascii: "\n"))
        line += 1 + text.count { $0 == UInt8(ascii: "\n") }
    }

    /// Text for a field value: ASCII, accents, CJK, emoji, quotes, commas, backslashes.
    private mutating func text(allowNewline: Bool) -> String {
        let pieces = ["ada", "Ünïcödé", "名前", "🙂", "a\"b", "x,y", "back\\slash", " ", "tab\tin", "0.10", "1e3", "-"]
        var result = (0..<(1 + pick(4))).map { _ in pieces[pick(pieces.count)] }.joined()
        if allowNewline, chance(10) { result += "\nsecond line" }
        return result
    }

    private mutating func timestamp() -> (json: String, csv: String) {
        let ms = Int64(1_767_225_600_000) + Int64(pick(360 * 86_400)) * 1_000  // during 2026
        if chance(50) { return (String(ms), String(ms)) }
        let text = Timestamp.format(epochMilliseconds: ms)
        return ("\"\(text)\"", text)
    }

    /// Random byte edits that keep the line one line.
    private mutating func mutate(_ original: [UInt8], forbidden: Set<UInt8>) -> [UInt8] {
        var bytes = original
        for _ in 0..<(1 + pick(4)) {
            let at = pick(bytes.count)
            var byte = UInt8(truncatingIfNeeded: random.next())
            while byte == 0x0A || byte == 0x0D || forbidden.contains(byte) { byte &+= 1 }
            switch pick(4) {
            case 0: bytes[at] = byte
            case 1: bytes.insert(byte, at: at)
            case 2: if bytes.count > 2 { bytes.remove(at: at) }
            default: bytes.insert(contentsOf: Array(bytes[at..<min(bytes.count, at + 8)]), at: at)
            }
        }
        return bytes
    }

    /// An NDJSON document of 20–80 lines.
    static func ndjson(seed: UInt64) -> FuzzDocument {
        var document = FuzzDocument(seed: seed)
        for index in 0..<(20 + document.pick(60)) {
            let kind = document.pick(100)
            // Pristine ids end in "-ok" so no mutant's id can become one.
            let id = kind < 40 ? "P\(seed)-\(index)-ok" : "M\(seed)-\(index)"
            let note = document.text(allowNewline: true)
            let number = String(document.pick(100_000))
            let at = document.timestamp().json
            let valid =
                "{\"lead\": \(JSONText.quoted(id)), \"at\": \(at), \"fields\": {\"note\": \(JSONText.quoted(note)), \"n\": \(number)}}"
            switch kind {
            case 0..<40:
                document.pristine[document.line] = Lead(id: id, fields: ["note": note, "n": number])
                document.entries += 1
                document.append(Array(valid.utf8))
            case 40..<70:
                document.entries += 1
                document.append(document.mutate(Array(valid.utf8), forbidden: []))
            case 70..<80:
                let blanks = ["", "  ", "\t", " \t "]
                document.append(Array(blanks[document.pick(blanks.count)].utf8))
            default:
                let lead = JSONText.quoted(id)
                var bad: [[UInt8]] = [
                    Array("not json at all".utf8),
                    Array(valid.utf8.prefix(1 + document.pick(valid.utf8.count - 1))),
                    Array("[\(lead), 1]".utf8),
                    Array("{\"lead\": 42, \"fields\": {}}".utf8),
                    Array("{\"lead\": \"\", \"fields\": {}}".utf8),
                    Array("{\"lead\": \(lead)}".utf8),
                    Array("{\"lead\": \(lead), \"fields\": []}".utf8),
                    Array("{\"lead\": \(lead), \"fields\": {\"x\": {\"nested\": 1}}}".utf8),
                    Array("{\"lead\": \(lead), \"fields\": {}, \"extra\": 1}".utf8),
                    Array("{\"lead\": \(lead), \"at\": \"yesterday\", \"fields\": {}}".utf8),
                    Array("{\"lead\": \(lead), \"at\": 1.5, \"fields\": {}}".utf8),
                    Array("{\"lead\": \(lead), \"fields\": {\"\": 1}}".utf8),
                    Array("{\"lead\": \(lead), \"fields\": {\"a\": 1}} trailing".utf8),
                    Array("{\"lead\": \(lead), \"fields\": {\"a\": \"\u{0}\"}}".utf8.map { $0 }),
                    Array("{\"lead\": \(lead), \"fields\": {\"a\": \"".utf8) + [0xFF, 0xFE] + Array("\"}}".utf8),
                ]
                if document.chance(3) { bad.append(Array(repeating: UInt8(ascii: "x"), count: (1 << 20) + 1)) }
                document.invalid.insert(document.line)
                document.entries += 1
                document.append(bad[document.pick(bad.count)])
            }
        }
        return document
    }

    /// A CSV document: a header in a random column order, then 20–80 records.
    static func csv(seed: UInt64) -> FuzzDocument {
        var document = FuzzDocument(seed: seed)
        var columns = ["lead", "at", "note", "n"]
        for index in columns.indices.reversed() { columns.swapAt(index, document.pick(index + 1)) }
        document.append(Array(columns.joined(separator: ",").utf8))
        func cell(_ text: String) -> String {
            text.contains(where: { ",\"\n\r".contains($0) })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func record(_ values: [String: String]) -> String {
            columns.map { cell(values[$0] ?? "") }.joined(separator: ",")
        }
        let count = 20 + document.pick(60)
        for index in 0..<count {
            let kind = document.pick(100)
            let id = kind < 40 ? "P\(seed)-\(index)-ok" : "M\(seed)-\(index)"
            let note = document.text(allowNewline: true)
            let number = String(document.pick(100_000))
            let at = document.timestamp().csv
            let values = ["lead": id, "at": at, "note": note, "n": number]
            switch kind {
            case 0..<40:
                document.pristine[document.line] = Lead(id: id, fields: ["note": note, "n": number])
                document.entries += 1
                document.append(Array(record(values).utf8))
            case 40..<70:
                // Mutants of a record without quotes: no edit may open a quoted cell that would
                // swallow the lines after it.
                document.entries += 1
                let plain = record(values.mapValues { $0.filter { !",\"\n\r".contains($0) } })
                document.append(document.mutate(Array(plain.utf8), forbidden: [UInt8(ascii: "\"")]))
            case 70..<80:
                document.append([])
            default:
                var bad: [[UInt8]] = [
                    Array((record(values) + ",extra").utf8),
                    Array(record(values.merging(["lead": ""]) { $1 }).utf8),
                    Array(record(values.merging(["at": "yesterday"]) { $1 }).utf8),
                    Array(record(values.merging(["note": "nul\u{0}here"]) { $1 }).utf8),
                    Array(
                        record(values.merging(["note": "bad"]) { $1 }).utf8.map { $0 == UInt8(ascii: "b") ? 0xFF : $0 }),
                    Array("   ".utf8),
                ]
                if document.chance(3) {
                    bad.append(
                        Array(record(values.merging(["note": String(repeating: "y", count: 1 << 20)]) { $1 }).utf8))
                }
                document.invalid.insert(document.line)
                document.entries += 1
                document.append(bad[document.pick(bad.count)])
            }
        }
        return document
    }
}
