import Foundation
import LeadSyncJournal
import LeadSyncSQLite
import LeadSyncTestKit
import Synchronization
import Testing

/// Several `leadsync ingest` processes append to one journal at once while a reader reads.
@Suite struct ConcurrentAppendTests {
    static let processes = 4
    static let changesPerProcess = 10_000

    /// What the reader saw: how often it read, and any read where the journal looked wrong.
    final class ReaderLog: Sendable {
        let state = Mutex<(reads: Int, problems: [String])>((0, []))
        let stop = Atomic<Bool>(false)
    }

    @Test(.hangGuard)
    func processesAppendingTogetherLoseNothingAndSeqsStayOrdered() async throws {
        let cli = try LeadsyncCLI()
        #expect(try cli.run("init").status == 0)
        var files: [String] = []
        for p in 0..<Self.processes {
            let lines = (1...Self.changesPerProcess).map {
                #"{"lead":"P\#(p)-\#($0)","at":\#(1_764_000_000_000 + $0),"fields":{"n":\#($0)}}"#
            }
            let path = cli.directory.path("p\(p).ndjson")
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: path))
            files.append(path)
        }

        let log = ReaderLog()
        let db = cli.db
        let reader = Thread {
            do {
                let connection = try Connection(path: db, create: false)
                var last: Int64 = 0
                while !log.stop.load(ordering: .acquiring) {
                    let (maxSeq, count) = try connection.read { db in
                        (
                            try db.scalar("SELECT max(seq) FROM change") ?? 0,
                            try db.scalar("SELECT count(*) FROM change") ?? 0
                        )
                    }
                    log.state.withLock { state in
                        state.reads += 1
                        if maxSeq < last { state.problems.append("max seq went back from \(last) to \(maxSeq)") }
                        if count != maxSeq { state.problems.append("\(count) rows but max seq \(maxSeq)") }
                    }
                    last = maxSeq
                }
            } catch {
                log.state.withLock { $0.problems.append("reader failed: \(error)") }
            }
        }
        reader.start()

        // Full durability, 100 changes per transaction: 100 commits per process contend for the lock.
        let children = try files.map {
            try cli.executable.start(
                ["ingest", $0, "--batch-size", "100"], environment: ["LEADSYNC_DB": db, "LEADSYNC_SYNCHRONOUS": "full"])
        }
        let statuses = children.map { child in
            while child.nextErrorLine() != nil {}
            return child.wait()
        }
        log.stop.store(true, ordering: .releasing)
        while !reader.isFinished { try await Task.sleep(for: .milliseconds(10)) }

        #expect(statuses == Array(repeating: 0, count: Self.processes))
        let (reads, problems) = log.state.withLock { ($0.reads, $0.problems) }
        #expect(reads > 0)
        #expect(problems == [])

        let journal = try Journal(path: db)
        let changes = try StoredChange.read(journal.path, limit: Self.processes * Self.changesPerProcess + 1)
        #expect(changes.count == Self.processes * Self.changesPerProcess)
        #expect(changes.map(\.seq) == Array(1...Int64(changes.count)))
        // Each process's changes appear in the order it appended them, none missing.
        var next = Array(repeating: 1, count: Self.processes)
        for change in changes {
            let parts = change.lead.dropFirst().split(separator: "-")
            let (p, n) = (Int(parts[0])!, Int(parts[1])!)
            #expect(n == next[p], "process \(p): expected change \(next[p]), found \(n) at seq \(change.seq)")
            next[p] = n + 1
        }
        #expect(try await journal.maintenance.check() == [])
    }
}
