import CBenchmarkSQLite
import Foundation
import LeadSyncJournal
import LeadSyncSupport

/// The journal's side of an unthrottled drain with a null HubSpot: the reads and writes the
/// reconciler makes per lead, as fast as the journal takes them. Windows of pending leads
/// (`leads.pendingLeads`, 500 per window as `SyncOptions.windowSize`) and, per batch of 100, one
/// `ledger.recordSyncStep` recording every value delivered and the lead linked, as an instant
/// HubSpot would answer. Beside it, in the same run, the floor through the raw C API: one
/// indexed read and one update per lead on a table with one row per lead, same batches, same
/// `synchronous`.
///
/// Usage: `JournalDrainBenchmark [leads=100000] [synchronous: full|normal]`
let arguments = CommandLine.arguments.dropFirst().map { $0 }
let leadCount = arguments.count > 0 ? Int(arguments[0])! : 100_000
let synchronous = JournalOptions.Synchronous(rawValue: arguments.count > 1 ? arguments[1] : "full")!
let (windowSize, batchSize) = (500, 100)
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-drain-\(UUID().uuidString)").path
try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: directory) }

/// The CPU this process has used so far (user + system), in seconds: unlike wall time, it
/// barely moves with the load other processes put on the machine.
func cpuSeconds() -> Double { Double(clock()) / Double(CLOCKS_PER_SEC) }

func seconds(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

print(
    "journal side of a drain: \(leadCount) leads x 1 change (3 mapped fields), null HubSpot, synchronous=\(synchronous.rawValue)"
)
let journal = try Journal(path: directory + "/journal.db", options: JournalOptions(synchronous: synchronous))
var changes: [LeadChange] = []
for n in 0..<leadCount {
    changes.append(
        LeadChange(
            lead: "L-\(n)",
            fields: [
                "email": .string("lead\(n)@example.com"), "first_name": .string("First\(n)"),
                "last_name": .string("Last\(n)"),
            ]))
    if changes.count == 1_000 || n == leadCount - 1 {
        try await journal.changeLog.record(changes)
        changes.removeAll(keepingCapacity: true)
    }
}
try await journal.changeLog.fold()

var start = ContinuousClock.now
let startCPU = cpuSeconds()
var cursor: Int64 = 0
var drained = 0
while true {
    let window = try await journal.leads.pendingLeads(limit: windowSize, after: cursor)
    guard let last = window.last else { break }
    for batch in stride(from: 0, to: window.count, by: batchSize) {
        let outcomes = window[batch..<min(batch + batchSize, window.count)].map { lead in
            LeadOutcome(
                lead: lead.lead, remoteID: .set(String(lead.cursor)),
                fields: lead.fields.map {
                    .init(
                        field: $0.field, seq: $0.seq,
                        result: .delivered(property: $0.property, sent: $0.value.wireString))
                })
        }
        try await journal.ledger.recordSyncStep(outcomes: outcomes, marks: [:])
        drained += outcomes.count
    }
    cursor = last.cursor
}
let journalSeconds = seconds(start)
let journalCPU = cpuSeconds() - startCPU
let status = try await journal.leads.status()
precondition(
    drained == leadCount && status.pendingLeads == 0, "drained \(drained), \(status.pendingLeads) still pending")

func exec(_ db: OpaquePointer?, _ sql: String) {
    precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
}

/// Drains the same number of leads through the C API: one row per lead, read by window and
/// updated by key. Returns the leads drained, the seconds it took and the CPU seconds it used.
@MainActor func rawFloor(path: String) -> (Int, Double, Double) {
    var db: OpaquePointer?
    precondition(sqlite3_open(path, &db) == SQLITE_OK)
    exec(db, "PRAGMA journal_mode = WAL")
    exec(db, "PRAGMA synchronous = \(synchronous.rawValue)")
    exec(
        db,
        "CREATE TABLE lead (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, remote_id TEXT, pending INTEGER NOT NULL, state BLOB)"
    )
    exec(db, "CREATE INDEX lead_pending ON lead(id) WHERE pending > 0")
    var insert: OpaquePointer?
    sqlite3_prepare_v2(db, "INSERT INTO lead(key, pending, state) VALUES (?, 3, ?)", -1, &insert, nil)
    let state = Array(repeating: UInt8(ascii: "x"), count: 90)
    exec(db, "BEGIN")
    for n in 0..<leadCount {
        sqlite3_bind_text(insert, 1, "L-\(n)", -1, leadsync_benchmark_sqlite3_transient())
        sqlite3_bind_blob(insert, 2, state, Int32(state.count), leadsync_benchmark_sqlite3_transient())
        precondition(sqlite3_step(insert) == SQLITE_DONE)
        sqlite3_reset(insert)
    }
    exec(db, "COMMIT")
    var select: OpaquePointer?
    var update: OpaquePointer?
    sqlite3_prepare_v2(
        db, "SELECT id, key, state FROM lead WHERE pending > 0 AND id > ? ORDER BY id LIMIT ?", -1, &select, nil)
    sqlite3_prepare_v2(db, "UPDATE lead SET remote_id = ?, pending = 0, state = ? WHERE key = ?", -1, &update, nil)
    let start = ContinuousClock.now
    let startCPU = cpuSeconds()
    var cursor: Int64 = 0
    var rawDrained = 0
    while true {
        sqlite3_bind_int64(select, 1, cursor)
        sqlite3_bind_int64(select, 2, Int64(windowSize))
        var window: [(id: Int64, key: String, state: [UInt8])] = []
        while sqlite3_step(select) == SQLITE_ROW {
            let bytes = sqlite3_column_blob(select, 2)!.assumingMemoryBound(to: UInt8.self)
            window.append(
                (
                    sqlite3_column_int64(select, 0), String(cString: sqlite3_column_text(select, 1)),
                    Array(UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(select, 2))))
                ))
        }
        sqlite3_reset(select)
        guard let last = window.last else { break }
        for batch in stride(from: 0, to: window.count, by: batchSize) {
            exec(db, "BEGIN IMMEDIATE")
            for lead in window[batch..<min(batch + batchSize, window.count)] {
                sqlite3_bind_text(update, 1, String(lead.id), -1, leadsync_benchmark_sqlite3_transient())
                sqlite3_bind_blob(
                    update, 2, lead.state, Int32(lead.state.count), leadsync_benchmark_sqlite3_transient())
                sqlite3_bind_text(update, 3, lead.key, -1, leadsync_benchmark_sqlite3_transient())
                precondition(sqlite3_step(update) == SQLITE_DONE)
                sqlite3_reset(update)
                rawDrained += 1
            }
            exec(db, "COMMIT")
        }
        cursor = last.id
    }
    let rawSeconds = seconds(start)
    let rawCPU = cpuSeconds() - startCPU
    sqlite3_finalize(insert)
    sqlite3_finalize(select)
    sqlite3_finalize(update)
    sqlite3_close(db)
    precondition(rawDrained == leadCount)
    return (rawDrained, rawSeconds, rawCPU)
}
let (rawDrained, rawSeconds, rawCPU) = rawFloor(path: directory + "/raw.db")

func rate(_ count: Int, _ seconds: Double, _ cpu: Double) -> String {
    String(format: "%10.0f leads/s, %5.2f µs CPU per lead", Double(count) / seconds, cpu * 1e6 / Double(count))
}
print("raw C API floor (1 read + 1 update per lead): \(rate(rawDrained, rawSeconds, rawCPU))")
print("journal (pendingLeads + recordSyncStep):      \(rate(drained, journalSeconds, journalCPU))")
print(
    String(
        format: "journal / raw: %.2f; goal: >= 40,000 leads/s",
        (Double(drained) / journalSeconds) / (Double(rawDrained) / rawSeconds)))
