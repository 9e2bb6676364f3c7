import Foundation
import LeadSyncJournal

/// Journal appends against raw SQLite inserts of the same rows with the same durability, side by
/// side in one run; then the cost of folding them into derived state and of `status`.
///
/// Usage: `JournalBenchmark [batched-rows] [single-rows] [synchronous: full|normal] [repeats]`
@main
struct JournalBenchmark {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst().map { $0 }
        let batchedRows = arguments.count > 0 ? Int(arguments[0])! : 200_000
        let singleRows = arguments.count > 1 ? Int(arguments[1])! : 2_000
        let synchronous = JournalOptions.Synchronous(rawValue: arguments.count > 2 ? arguments[2] : "full")!
        let repeats = arguments.count > 3 ? Int(arguments[3])! : 3
        let perTransaction = 1_000

        let rows = BenchmarkRow.generate(count: batchedRows, seed: 42)
        let singles = Array(rows.prefix(singleRows))
        // The journal's batches, built before timing as the raw side's rows are.
        let batches = stride(from: 0, to: rows.count, by: perTransaction).map { start in
            rows[start..<min(start + perTransaction, rows.count)].map(\.change)
        }
        print(
            "journal append benchmark: WAL, synchronous=\(synchronous.rawValue), median of \(repeats) alternating runs")
        print(
            "rows: \(batchedRows) batched (\(perTransaction) per transaction), \(singleRows) single (1 per transaction)"
        )

        var raw: [String: [Double]] = [:]
        var journal: [String: [Double]] = [:]
        var fold: [Double] = []
        var status: [Double] = []
        for round in 0..<repeats {
            // Alternate which side goes first, so neither always pays for the other's writeback.
            var runs: [() throws -> Void] = [
                {
                    raw["batched", default: []].append(
                        rate(rows.count) { dir in
                            RawSQLiteAppender(path: dir + "/raw.db", synchronous: synchronous.rawValue)
                                .append(rows, perTransaction: perTransaction)
                        })
                },
                {
                    let dir = scratchDirectory()
                    defer { try? FileManager.default.removeItem(atPath: dir) }
                    let j = try Journal(path: dir + "/journal.db", options: JournalOptions(synchronous: synchronous))
                    journal["batched", default: []].append(
                        Double(rows.count)
                            / (try seconds {
                                try j.blocking { j in for batch in batches { try await j.changeLog.record(batch) } }
                            }))
                    // Derived state is brought up to date off the append path: measured on its own.
                    fold.append(
                        Double(rows.count) / (try seconds { _ = try j.blocking { try await $0.changeLog.fold() } }))
                    status.append(try seconds { _ = try j.blocking { try await $0.leads.status() } })
                },
                {
                    raw["single", default: []].append(
                        rate(singles.count) { dir in
                            RawSQLiteAppender(path: dir + "/raw.db", synchronous: synchronous.rawValue)
                                .append(singles, perTransaction: 1)
                        })
                },
                {
                    journal["single", default: []].append(
                        try rate(singles.count) { dir in
                            let j = try Journal(
                                path: dir + "/journal.db", options: JournalOptions(synchronous: synchronous))
                            try j.blocking { j in for row in singles { try await j.changeLog.record([row.change]) } }
                        })
                },
            ]
            if round % 2 == 1 { runs = [runs[1], runs[0], runs[3], runs[2]] }
            for run in runs { try run() }
            journal["concurrent", default: []].append(
                try rate(singles.count) { dir in
                    let j = try Journal(path: dir + "/journal.db", options: JournalOptions(synchronous: synchronous))
                    let threads = 8
                    DispatchQueue.concurrentPerform(iterations: threads) { thread in
                        for row in singles[
                            (thread * singles.count / threads)..<((thread + 1) * singles.count / threads)]
                        {
                            let change = row.change
                            _ = try! j.blocking {
                                try await $0.changeLog.record(lead: change.lead, fields: change.fields)
                            }
                        }
                    }
                })
        }

        print("")
        print(pad("", 24) + pad("raw C API", 16) + pad("journal", 16) + "journal/raw")
        for kind in ["batched", "single"] {
            let r = median(raw[kind]!)
            let j = median(journal[kind]!)
            print(
                pad("\(kind) appends", 24) + pad(perSecond(r), 16) + pad(perSecond(j), 16)
                    + String(format: "%.2f", j / r))
        }
        let concurrent = median(journal["concurrent"]!)
        print(
            pad("single, 8 threads", 24) + pad("(1 thread)", 16) + pad(perSecond(concurrent), 16)
                + String(format: "%.2f", concurrent / median(raw["single"]!)))
        print(pad("fold (derived state)", 24) + pad("", 16) + pad(perSecond(median(fold)), 16))
        print(pad("status after fold", 24) + pad("", 16) + pad(String(format: "%.2f ms", median(status) * 1000), 16))
    }

    /// Rows per second of `body`, run in a fresh directory (creation of the file included).
    static func rate(_ rows: Int, _ body: (String) throws -> Void) rethrows -> Double {
        let dir = scratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let start = ContinuousClock.now
        try body(dir)
        let elapsed = ContinuousClock.now - start
        return Double(rows) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    static func scratchDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("journal-bench-\(UUID().uuidString)")
            .path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

    static func perSecond(_ value: Double) -> String {
        let formatter = NumberFormatter()
        formatter.numberStyle = .decimal
        formatter.maximumFractionDigits = 0
        return (formatter.string(from: NSNumber(value: value)) ?? "\(Int(value))") + "/s"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
