import Foundation
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite struct IngesterTests {
    /// Ingests `text` through a pipe, the way `leadsync ingest -` reads stdin.
    private func ingest(
        _ text: String, format: IngestFormat = .ndjson, batchSize: Int? = nil, inputID: String = "input",
        into journal: Journal
    ) throws -> (IngestReport, [(seq: Int64, line: Int)]) {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        let data = Data(text.utf8)
        let feeder = Thread {
            writer.write(data)
            try? writer.close()
        }
        feeder.start()
        var ingester = Ingester(journal: journal, format: format, defaultAt: 42, inputID: inputID)
        if let batchSize { ingester.batchSize = batchSize }
        let commits = CommitLog()
        ingester.onCommit = { seq, line in commits.append(seq, line) }
        let report = try ingester.run(fileDescriptor: pipe.fileHandleForReading.fileDescriptor)
        return (report, commits.entries)
    }

    /// The changes of `lines` (each with fields), as the library's `record` takes them.
    private func changes(of lines: some Sequence<String>) throws -> [LeadChange] {
        try lines.map { line in
            try #require(ChangeLineParser.parse(Array(line.utf8), defaultAt: 0).get().change).decoded()
        }
    }

    final class CommitLog: @unchecked Sendable {
        // Appended only from the ingesting thread.
        var entries: [(seq: Int64, line: Int)] = []
        func append(_ seq: Int64, _ line: Int) { entries.append((seq, line)) }
    }

    @Test func batchesCommitInOrderAndReportTheirLastLine() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let lines = (1...7).map { #"{"lead":"L-\#($0)","fields":{}}"# }
        let (report, commits) = try ingest(
            lines[0..<3].joined(separator: "\n") + "\nnot json\n" + lines[3...].joined(separator: "\n"),
            batchSize: 3, into: journal)
        #expect(
            report.appended == 7 && report.invalid == [.init(line: 4, error: "invalid JSON: invalid literal at byte 1")]
        )
        #expect(commits.map(\.seq) == [3, 6, 7])
        #expect(commits.map(\.line) == [3, 7, 8])
    }

    @Test func aTransactionSpansChunksOfLinesUpToTheBatchSize() async throws {
        let lines = (1...2_600).map { #"{"lead":"L-\#($0)","at":1764000000000,"fields":{"n":\#($0)}}"# }
        let text = lines.joined(separator: "\n")
        // Chunks of at most 1,000 lines are handed to the journal; a transaction commits every
        // 2,500 lines, each of its chunks reported once it commits.
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let (report, commits) = try ingest(text, batchSize: 2_500, into: journal)
        #expect(report.appended == 2_600 && commits.map(\.line) == [1_000, 2_000, 2_500, 2_600])

        // By default a transaction holds 10,000 lines: a failure on line 2,200 keeps none of them.
        let failing = try Journal(path: dir.path("f.db"), options: JournalOptions(synchronous: .normal))
        try JournalSQL.execute(
            failing.path,
            """
            CREATE TRIGGER stop_2200 BEFORE INSERT ON change WHEN NEW.lead = 'L-2200'
            BEGIN SELECT RAISE(ABORT, 'injected stop'); END;
            """)
        do {
            let (_, commits) = try ingest(text, into: failing)
            Issue.record("the ingest did not stop: \(commits)")
        } catch let failure as IngestFailure {
            #expect(failure.report.appended == 0 && failure.report.lastAppendedLine == 0, "\(failure.report)")
        }
        #expect(try await failing.leads.status().journalEntries == 0)
    }

    @Test func foldsAcrossBatchesAndAfterAnEarlierUnfoldedAppend() async throws {
        let dir = try TemporaryDirectory()
        var options = JournalOptions(synchronous: .normal)
        options.ingestSortMemory = 200  // sorts in runs of a few changes
        let journal = try Journal(path: dir.path("j.db"), options: options)
        // An unfolded append comes first: the ingest must fold it before its own changes.
        try await journal.changeLog.record(
            lead: "L-1", fields: ["email": .string("new@example.com")], at: Date(timeIntervalSince1970: 1_800_000_000))
        var lines = [#"{"lead":"L-1","at":1764000000000,"fields":{"email":"old@example.com"}}"#]
        for n in 0..<12 {
            lines.append(#"{"lead":"L-\#(n % 4 + 2)","at":\#(1_764_000_000_000 + n),"fields":{"first_name":"F\#(n)"}}"#)
        }
        let (report, commits) = try ingest(lines.joined(separator: "\n"), batchSize: 2, into: journal)
        #expect(report.appended == 13 && commits.map(\.line) == [2, 4, 6, 8, 10, 12, 13])
        let status = try await journal.leads.status()
        #expect(status.journalEntries == 14 && status.unfoldedChanges == 0 && status.pendingLeads == 5)
        #expect(try await journal.leads.lead("L-1")?.fields["email"] == .string("new@example.com"))
        for lead in 2...5 {
            // Each lead's last change (n = 8...11) wins.
            #expect(try await journal.leads.lead("L-\(lead)")?.fields == ["first_name": .string("F\(lead + 6)")])
        }
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func aFoldInLeadOrderCommitsInChunksAndEndsAsOneAtATimeWould() async throws {
        // Leads repeat within and across chunks of three changes, new leads appear in later
        // chunks, late changes lose to earlier-appended newer ones, and a mapped field goes pending.
        let leads = (0..<40).map { "L-\(($0 * 7 + $0 / 5) % 11)" }
        let lines = leads.enumerated().map { n, lead in
            let at = 1_764_000_000_000 + Int64(n % 7 == 0 ? -n : n)
            return #"{"lead":"\#(lead)","at":\#(at),"fields":{"email":"e\#(n)@x.com","n":\#(n)}}"#
        }
        let keys = Set(leads).sorted() + (0..<5).map { "M-\($0)" }
        var states: [[LeadRecord?]] = []
        var statuses: [JournalStatus] = []
        for (memory, chunk) in [(1 << 20, 1_000), (300, 3), (1 << 20, 3)] {
            let dir = try TemporaryDirectory()
            var options = JournalOptions(synchronous: .normal)
            options.ingestSortMemory = memory
            options.foldWindow = chunk
            let journal = try Journal(path: dir.path("j.db"), options: options)
            _ = try await journal.configuration.setMapping(Mapping(field: "email", property: "email"))
            let (report, _) = try ingest(lines.joined(separator: "\n"), batchSize: 4, into: journal)
            #expect(report.appended == 40)
            // Changes appended by the library are folded from the table, in windows too.
            try await journal.changeLog.record(
                (0..<40).map { LeadChange(lead: "M-\($0 % 5)", fields: ["n": .number("\($0)")], atMilliseconds: 7) })
            try await journal.changeLog.fold()
            #expect(try await journal.maintenance.check() == [], "memory \(memory), chunks of \(chunk)")
            var state: [LeadRecord?] = []
            for key in keys { state.append(try await journal.leads.lead(key)) }
            states.append(state)
            statuses.append(try await journal.leads.status())
        }
        #expect(states[1] == states[0] && states[2] == states[0])
        #expect(statuses[1] == statuses[0] && statuses[2] == statuses[0])
        #expect(statuses[0].pendingLeads == Int64(Set(leads).count) && statuses[0].unfoldedChanges == 0)
    }

    @Test(arguments: [(200, 13), (5_000, 13), (16 << 20, 13), (30_000, 1_500), (16 << 20, 1_500)])
    func aFoldInLeadOrderEndsAsTheFoldOfEveryChangeInSeqOrder(memory: Int, leadCount: UInt64) async throws {
        // Leads changed many times, `at` often tied or older than what a lead holds, nulls among
        // the values, and a lead that only appears late: per field the latest `at` must win, a tie
        // going to the later change, as a fold from the table gives. Small buffers sort in many
        // runs, merged at the end.
        var random = SplitMix64(seed: 7)
        let fields = ["email", "first_name", "score"]
        let lines = (0..<3_000).map { n in
            let lead = n > 2_900 ? "late" : "L-\(random.next() % leadCount)"
            let at = 1_764_000_000_000 + Int64(random.next() % 40)
            let values = fields.filter { _ in random.next() % 2 == 0 }.map { field in
                let value = random.next() % 5 == 0 ? "null" : #""\#(field)-\#(n)""#
                return #""\#(field)":\#(value)"#
            }
            return
                #"{"lead":"\#(lead)","at":\#(at),"fields":{\#((values.isEmpty ? [#""x":1"#] : values).joined(separator: ","))}}"#
        }
        let dir = try TemporaryDirectory()
        var options = JournalOptions(synchronous: .normal)
        options.ingestSortMemory = memory
        let ingested = try Journal(path: dir.path("ingested.db"), options: options)
        let appended = try Journal(path: dir.path("appended.db"), options: options)
        for journal in [ingested, appended] {
            _ = try await journal.configuration.setMapping(Mapping(field: "email", property: "email"))
        }
        let (report, _) = try ingest(lines.joined(separator: "\n"), batchSize: 64, into: ingested)
        #expect(report.appended == 3_000)
        // The reference: the same changes appended by the library, folded from the table in seq order.
        for batch in stride(from: 0, to: lines.count, by: 500) {
            try await appended.changeLog.record(changes(of: lines[batch..<min(batch + 500, lines.count)]))
        }
        try await appended.changeLog.fold()
        #expect(try await ingested.leads.status() == appended.leads.status())
        for key in (0..<leadCount).map({ "L-\($0)" }) + ["late"] {
            #expect(try await ingested.leads.lead(key) == appended.leads.lead(key), "lead \(key)")
        }
        #expect(try await ingested.maintenance.check() == [])
    }

    @Test func anIngestInsertsTheLeadsItFoldedAsNewAndFoldsTheHeldOnesFromTheirRows() async throws {
        // Each lead is folded as new on the winners' thread; a lead the journal already holds is
        // folded from its row instead, and keeps its id. Half the second input's leads are held.
        // Rows and counters end as a fold from the table in seq order leaves them (ids differ:
        // that fold numbers new leads as they come, this one in key order).
        func lines(_ range: Range<Int>, leads: Range<Int>) -> [String] {
            range.map { n in
                let lead = leads.lowerBound + n % leads.count
                // Every third lead has no email: it awaits its identity.
                let email = lead % 3 == 0 ? "" : #""email":"e\#(n)@x.com","#
                return #"{"lead":"L-\#(lead)","at":\#(1_764_000_000_000 + n % 7),"fields":{\#(email)"n":\#(n)}}"#
            }
        }
        let inputs = [lines(0..<300, leads: 0..<100), lines(300..<600, leads: 50..<150)]
        let dir = try TemporaryDirectory()
        let ingested = try Journal(path: dir.path("ingested.db"), options: JournalOptions(synchronous: .normal))
        let appended = try Journal(path: dir.path("appended.db"), options: JournalOptions(synchronous: .normal))
        for journal in [ingested, appended] {
            _ = try await journal.configuration.setMapping(Mapping(field: "email", property: "email"))
            _ = try await journal.configuration.setMapping(Mapping(field: "n", property: "score"))
        }
        let ids = "SELECT group_concat(key || ' ' || id, ';') FROM (SELECT key, id FROM lead ORDER BY key)"
        var idsAfterFirst: String?
        for (index, input) in inputs.enumerated() {
            _ = try ingest(input.joined(separator: "\n"), inputID: "input-\(index)", into: ingested)
            if index == 0 { idsAfterFirst = try JournalSQL.text(ingested.path, ids) }
            try await appended.changeLog.record(changes(of: input))
            try await appended.changeLog.fold()
        }
        let rows =
            "SELECT group_concat(row, ';') FROM (SELECT key || ' ' || mark || ' ' || pending_fields"
            + " || ' ' || pending_changes || ' ' || hex(state) AS row FROM lead ORDER BY key)"
        #expect(try JournalSQL.text(ingested.path, rows) == JournalSQL.text(appended.path, rows))
        // The held leads kept their ids; the new ones took the next, in key order.
        let idsNow = try #require(try JournalSQL.text(ingested.path, ids)).split(separator: ";")
        let held = try #require(idsAfterFirst).split(separator: ";")
        #expect(held.allSatisfy(idsNow.contains))
        let newIDs = idsNow.filter { !held.contains($0) }.map { Int($0.split(separator: " ")[1])! }
        #expect(newIDs == Array(101...150))
        #expect(try await ingested.leads.status() == appended.leads.status())
        #expect(try await ingested.leads.status().awaitingIdentity == 50)
        #expect(try await ingested.maintenance.check() == [])
    }

    @Test func aFoldInLeadOrderLeavesOutTheChangesOfRefusedLines() async throws {
        // A line naming another lead's conversation is refused whole, its fields too. The ingest
        // sorts a chunk's changes before the journal refuses any, so its fold must leave those
        // out and give the others the seqs they were appended with: a refused email winning a
        // lead, or a seq off by the refusals before it, shows in the leads.
        let owner = #"{"lead":"owner","at":1764000000000,"conversation":"C-1","message":{"from":"v","text":"hi"}}"#
        var lines = [owner]
        var accepted: [LeadChange] = []
        for n in 0..<600 {
            let lead = "L-\(n % 37)"
            let at = 1_764_000_000_000 + Int64(n % 50)
            if n % 7 == 3 {
                lines.append(
                    #"{"lead":"\#(lead)","at":\#(at + 100),"conversation":"C-1","message":{"from":"v","text":"t"},"fields":{"email":"refused-\#(n)"}}"#
                )
            } else {
                lines.append(#"{"lead":"\#(lead)","at":\#(at),"fields":{"email":"e-\#(n)","score":\#(n)}}"#)
                accepted.append(
                    LeadChange(
                        lead: lead, fields: ["email": .string("e-\(n)"), "score": .number("\(n)")], atMilliseconds: at))
            }
        }
        let dir = try TemporaryDirectory()
        var options = JournalOptions(synchronous: .normal)
        options.ingestSortMemory = 300  // sorts in runs of a few changes
        let ingested = try Journal(path: dir.path("ingested.db"), options: options)
        let appended = try Journal(path: dir.path("appended.db"), options: options)
        let (report, _) = try ingest(lines.joined(separator: "\n"), batchSize: 64, into: ingested)
        #expect(report.appended == 1 + accepted.count && report.invalid.count == 600 - accepted.count)
        // The reference: the accepted changes appended by the library, folded in seq order.
        try await appended.changeLog.record(accepted)
        try await appended.changeLog.fold()
        for key in (0..<37).map({ "L-\($0)" }) {
            let lead = try await ingested.leads.lead(key)
            #expect(try await appended.leads.lead(key) == lead && lead != nil, "lead \(key)")
        }
        #expect(try await ingested.maintenance.check() == [])
    }

    @Test func aFoldInLeadOrderStoppedBetweenItsTransactionsIsNotFoldedTwice() async throws {
        // One lead per transaction; the second transaction fails (as a crash would end it), so
        // only L-1 is folded and the fold cursor has not moved. L-1's email is then delivered.
        // A later fold in seq order must skip L-1's change (folding it again would make the
        // delivered email pending again) and fold the others.
        let dir = try TemporaryDirectory()
        var options = JournalOptions(synchronous: .normal)
        options.foldWindow = 1
        let journal = try Journal(path: dir.path("j.db"), options: options)
        try JournalSQL.execute(
            journal.path,
            """
            CREATE TRIGGER stop_second AFTER INSERT ON lead_order_fold WHEN NEW.last_lead = 'L-2'
            BEGIN SELECT RAISE(ABORT, 'injected stop'); END;
            """)
        let lines = (1...3).map { #"{"lead":"L-\#($0)","at":1764000000000,"fields":{"email":"e\#($0)@x.com"}}"# }
        #expect(throws: IngestFailure.self) { try ingest(lines.joined(separator: "\n"), into: journal) }
        try JournalSQL.execute(journal.path, "DROP TRIGGER stop_second")
        #expect(try JournalSQL.scalar(journal.path, "SELECT value FROM counter WHERE name = 'folded_seq'") == 0)
        try await journal.ledger.recordOutcomes([
            LeadOutcome(
                lead: "L-1", remoteID: .set("101"),
                fields: [.init(field: "email", seq: 1, result: .delivered(property: "email", sent: "e1@x.com"))])
        ])

        try await journal.changeLog.fold()
        let status = try await journal.leads.status()
        #expect(status.unfoldedChanges == 0 && status.pendingLeads == 2 && status.pendingChanges == 2)
        #expect(try await journal.leads.lead("L-1")?.state == .synced)
        #expect(try await journal.leads.lead("L-3")?.fields == ["email": .string("e3@x.com")])
        #expect(try JournalSQL.scalar(journal.path, "SELECT count(*) FROM lead_order_fold") == 0)
        #expect(try await journal.maintenance.check() == [])
    }

    @Test func anEncodedChangeListsItsFieldsAsTheirTexts() throws {
        let fields: [String: FieldValue] = [
            "a\"b": .string(#"x\"y,}"#), "é": .number("1.50"), "n": .null, "t": .bool(true), "": .string("{"),
        ]
        let change = EncodedChange(LeadChange(lead: "L-1", fields: fields, atMilliseconds: 1))
        var read: [String: FieldValue] = [:]
        change.forEachField { name, value in
            guard case .string(let name) = try? FieldsCodec.decodeValue(String(decoding: name, as: UTF8.self)) else {
                Issue.record("name \(String(decoding: name, as: UTF8.self))")
                return
            }
            read[name] = try? FieldsCodec.decodeValue(String(decoding: value, as: UTF8.self))
        }
        #expect(read == fields)
        #expect(try change.decoded() == LeadChange(lead: "L-1", fields: fields, atMilliseconds: 1))
    }

    @Test func aLineIsRefusedForItsBytesBeforeItsJSON() throws {
        func parsed(_ bytes: [UInt8]) -> Result<IngestLine, IngestLineError> {
            ChangeLineParser.parse(bytes, defaultAt: 0)
        }
        let prefix = Array(#"{"lead":"L-1","fields":{"name":""#.utf8)
        let suffix = Array(#""}}"#.utf8)
        #expect(parsed(prefix + [0xC3, 0x28] + suffix) == .failure(IngestLineError("line is not valid UTF-8")))
        #expect(parsed(prefix + [0x41, 0x00] + suffix) == .failure(IngestLineError("line contains a NUL byte")))
        #expect(
            parsed(Array(#"{"lead":"L-1","fields":{"name":"A"}"#.utf8) + [0xFF])
                == .failure(IngestLineError("line is not valid UTF-8")))
        // Raw UTF-8 and escapes in one string.
        let line = prefix + Array(#"Zoë \"Z\" \u00e9"#.utf8) + suffix
        #expect(try parsed(line).get().change?.decoded().fields["name"] == .string("Zoë \"Z\" é"))
    }

    @Test func theDirectParseOfALineIsTheTreeParseOfIt() throws {
        // The usual lines, lines the direct parse leaves to the tree (escapes, exponents,
        // conversation keys), invalid ones, and random mutations of them: the result is the same.
        var lines = [
            #"{"lead":"L-1","at":1764000000000,"fields":{"email":"a@b.c","n":12,"x":-0.50,"t":true,"f":false,"z":null}}"#,
            #" { "fields" : { } , "lead" : "L-2" , "at" : "2026-11-28T10:15:00.5+01:00" } "#,
            #"{"lead":"Zoë","fields":{"name":"Zoë \"Z\" \u00e9","k\n":1}}"#,
            #"{"lead":"L-3","at":1.764e12,"fields":{"n":1e3,"m":-0,"o":0.0}}"#,
            #"{"lead":"L-\"q\"","fields":{"s\/":"a\\b\tc\"d\r\n\b\f","\t":"x"}}"#, #"{"lead":"L-\n","fields":{}}"#,
            #"{"lead":"L-4","fields":{"a":1,"a":2}}"#, #"{"lead":"L-4","lead":"L-5","fields":{}}"#,
            #"{"lead":"L-5","fields":{"":1}}"#, #"{"lead":"   ","fields":{}}"#, #"{"lead":"","fields":{}}"#,
            #"{"lead":"L-6","fields":{"n":01}}"#, #"{"lead":"L-6","fields":{"n":1.}}"#,
            #"{"lead":"L-6","fields":{"n":-}}"#,
            #"{"lead":"L-7","fields":{"o":{"x":1}}}"#, #"{"lead":"L-7","fields":{"a":[1]}}"#,
            #"{"lead":"L-8","at":17640000000,"fields":{}}"#, #"{"lead":"L-8","at":"yesterday","fields":{}}"#,
            #"{"lead":"L-8","at":1764000000000.5,"fields":{}}"#, #"{"lead":"L-9"}"#, #"{"fields":{}}"#,
            #"{"lead":"L-9","fields":{"t":truex}}"#, #"{"lead":"L-9","fields":{}} x"#, #"{"lead":"L-9","fields":{},}"#,
            #"{"lead":"L-9","conversation":"C-1","message":{"from":"v","text":"hi"}}"#, #"{"lead":7,"fields":{}}"#,
            "[1]", "", "{", #"{"lead":"L-11","fields":{"a":"x"}"#,
        ].map { Array($0.utf8) }
        lines.append(Array(#"{"lead":"L-12","fields":{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8))
        lines.append(Array(#"{"lead":"L-12","fields":{"a":""#.utf8) + [0x41, 0x00] + Array(#""}}"#.utf8))
        lines.append(Array(#"{"lead":"L-12","fields":{"a":"tab"#.utf8) + [0x09] + Array(#""}}"#.utf8))
        var random = SplitMix64(seed: 11)
        let seeds = lines
        for _ in 0..<3_000 {
            var line = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0...(random.next() % 3) where !line.isEmpty {
                let at = Int(random.next() % UInt64(line.count))
                switch random.next() % 3 {
                case 0: line.remove(at: at)
                case 1: line.insert(Array(#"{}[]":,-.0129eE\ tnfu"#.utf8)[Int(random.next() % 21)], at: at)
                default: line[at] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            lines.append(line)
        }
        for line in lines {
            #expect(
                ChangeLineParser.parse(line, defaultAt: 42) == ChangeLineParser.parseTree(line, defaultAt: 42),
                "\(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test func missingAtDefaultsToTheTimeOfIngest() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        _ = try ingest(#"{"lead":"L-1","fields":{"x":1}}"#, into: journal)
        #expect(try StoredChange.read(journal.path, limit: 1).first?.atMilliseconds == 42)
    }

    @Test func csvCellsAreStringsAndCRLFLineEndsAreAccepted() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let (report, _) = try ingest(
            "lead,budget,at\r\nL-1,5000,1764000000007\r\n\r\nL-2,,\r\n", format: .csv, into: journal)
        #expect(report.appended == 2 && report.invalid.isEmpty && report.blank == 1)
        let changes = try StoredChange.read(journal.path, limit: 5)
        #expect(changes.map(\.fields) == [["budget": .string("5000")], [:]])
        #expect(changes.map(\.atMilliseconds) == [1_764_000_000_007, 42])
    }

    @Test func aReRunOfTheSameInputIDSkipsWhatTheJournalHoldsAndAppendsTheRest() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let lines = (1...9).map { #"{"lead":"L-\#($0)","at":1764000000000,"fields":{"n":\#($0)}}"# }
        // The first run read lines 1–5 (line 3 invalid), as if it had stopped there.
        var first = lines
        first[2] = "not json"
        let (held, _) = try ingest(first[0..<5].joined(separator: "\n"), batchSize: 2, into: journal)
        #expect(held.appended == 4 && held.lastAppendedLine == 5)

        // The whole input again: lines 1–5 are skipped (line 3 is not reported again), 6–9 appended.
        let (rerun, commits) = try ingest(first.joined(separator: "\n"), batchSize: 2, into: journal)
        #expect(rerun.resumedAfterLine == 5 && rerun.appended == 4 && rerun.invalid.isEmpty)
        #expect(rerun.lastAppendedLine == 9 && commits.map(\.line) == [7, 9])
        #expect(try await journal.leads.status().journalEntries == 8)
        // Once more: nothing left to append.
        let (again, _) = try ingest(first.joined(separator: "\n"), into: journal)
        #expect(again.appended == 0 && again.resumedAfterLine == 9 && again.lastAppendedLine == 9)
        // Another id is another input.
        let (other, _) = try ingest(lines[0], inputID: "other", into: journal)
        #expect(other.appended == 1 && other.resumedAfterLine == 0)
        #expect(try await journal.leads.status().journalEntries == 9)
    }

    @Test func compactionForgetsInputsIngestedBeforeItsCutoff() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let line = #"{"lead":"L-1","at":1764000000000,"fields":{}}"#
        _ = try ingest(line, into: journal)  // ingested at 42
        try await journal.maintenance.compact(olderThan: 42)
        #expect(try ingest(line, into: journal).0.resumedAfterLine == 1, "kept at its cutoff")
        try await journal.maintenance.compact(olderThan: 43)
        let (after, _) = try ingest(line, into: journal)
        #expect(after.resumedAfterLine == 0 && after.appended == 1, "forgotten: a new input")
    }

    @Test(arguments: [
        ("the held line's lead differs", "L-1\nL-2\nL-7\nL-4"),
        ("a line before it is missing", "L-1\nL-3\nL-4"),
        ("the input ends before it", "L-1\nL-2"),
        ("the held line is now invalid", "L-1\nL-2\nnot json\nL-4"),
    ])
    func anInputThatIsNotTheOneItsIDNamedAppendsNothing(_ case: String, _ leads: String) async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        func input(_ leads: String) -> String {
            leads.split(separator: "\n").map { $0.hasPrefix("L-") ? #"{"lead":"\#($0)","fields":{}}"# : String($0) }
                .joined(separator: "\n")
        }
        _ = try ingest(input("L-1\nL-2\nL-3"), into: journal)
        let failure = #expect(throws: IngestFailure.self, "\(`case`)") {
            try ingest(input(leads), into: journal)
        }
        #expect(failure?.error is IngestInputMismatch && failure?.report.appended == 0, "\(`case`)")
        #expect(
            failure?.description.contains(
                "the journal holds that input up to line 3 (3 valid lines, line 3 of lead L-3)")
                == true, "\(String(describing: failure))")
        #expect(try await journal.leads.status().journalEntries == 3)
    }

    @Test func aCSVReRunSkipsHeldRecordsThatSpanLines() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let records = "lead,note\nL-1,\"two\nlines\"\nL-2,b\n"
        _ = try ingest(records, format: .csv, into: journal)
        let (rerun, _) = try ingest(records + "L-3,\"c\nd\"\nL-4,e\n", format: .csv, batchSize: 1, into: journal)
        #expect(rerun.resumedAfterLine == 4 && rerun.appended == 2 && rerun.lastAppendedLine == 7)
        let changes = try StoredChange.read(journal.path, limit: 10)
        #expect(changes.map(\.lead) == ["L-1", "L-2", "L-3", "L-4"])
        #expect(changes[2].fields == ["note": .string("c\nd")])
    }

    @Test func aBadCSVHeaderStopsWithLineOne() throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let (report, _) = try ingest("lead,email,email\nL-1,a,b\n", format: .csv, into: journal)
        #expect(report.appended == 0)
        #expect(report.invalid == [.init(line: 1, error: #"header names column "email" twice"#)])
    }
}

@Suite("Ingesting conversation lines")
struct ConversationIngestTests {
    private func ingest(_ text: String, into journal: Journal) throws -> IngestReport {
        let file = journal.path + ".ndjson"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let fd = open(file, O_RDONLY)
        defer { close(fd) }
        return try Ingester(journal: journal, format: .ndjson, defaultAt: 42, inputID: "input").run(fileDescriptor: fd)
    }

    @Test func messagesSummariesAndFieldsTogetherAndDuplicatesCounted() async throws {
        let dir = try TemporaryDirectory()
        let journal = try Journal(path: dir.path("j.db"), options: JournalOptions(synchronous: .normal))
        let report = try ingest(
            """
            {"lead": "L-1", "at": "2026-11-28T10:15:00Z", "conversation": "C-77", "message": {"id": "m1", "from": "visitor", "text": "Hi"}}
            {"lead": "L-1", "at": "2026-11-28T10:15:09Z", "conversation": "C-77", "message": {"id": "m2", "from": "agent", "text": "Hello"}, "fields": {"email": "ada@example.com"}}
            {"lead": "L-1", "at": "2026-11-28T10:20:00Z", "conversation": "C-77", "summary": "Wants 40 seats"}
            {"lead": "L-1", "at": "2026-11-28T10:15:00Z", "conversation": "C-77", "message": {"id": "m1", "from": "visitor", "text": "Hi"}}
            {"lead": "L-2", "conversation": "C-77", "message": {"from": "visitor", "text": "not mine"}, "fields": {"email": "x@example.com"}}
            {"lead": "L-1", "conversation": "C-77"}
            {"lead": "L-1", "message": {"from": "v", "text": "t"}}
            {"lead": "L-1", "conversation": "C-78", "message": {"from": "", "text": "t"}}
            {"lead": "L-1", "conversation": "C-78", "message": {"from": "v", "text": "t", "extra": 1}}
            {"lead": "L-1", "conversation": "C-78", "summary": 5}
            {"lead": "L-1"}
            """, into: journal)
        #expect(report.appended == 4)
        #expect(report.messages == 2 && report.duplicateMessages == 1)
        #expect(
            report.invalid == [
                .init(line: 5, error: "conversation C-77 belongs to lead L-1"),
                .init(line: 6, error: "\"conversation\" needs \"message\" or \"summary\""),
                .init(line: 7, error: "\"conversation\" is required with \"message\" or \"summary\""),
                .init(line: 8, error: "message \"from\" must not be empty"),
                .init(line: 9, error: "message \"extra\" must be a string"),
                .init(line: 10, error: "\"summary\" must be a string or null"),
                .init(line: 11, error: "missing \"fields\" (a line needs fields, message or summary)"),
            ])
        // The refused line's fields were not appended either; the valid line's were.
        #expect(try await journal.leads.status().journalEntries == 1)
        let (transcript, _) = try await journal.conversations.transcript(of: "C-77")
        #expect(transcript.messages.map(\.text) == ["Hi", "Hello"])
        #expect(transcript.summary == "Wants 40 seats")
    }
}
