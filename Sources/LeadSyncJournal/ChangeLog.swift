package import Foundation
internal import LeadSyncSQLite
package import LeadSyncSupport

/// The journal's change log: appends, single (group-committed) and batched, and the fold that
/// brings derived state up to date with them.
package struct ChangeLog: Sendable {
    let database: JournalDatabase

    static let insertChangeSQL = "INSERT INTO change(lead, at, fields, origin) VALUES (?, ?, ?, ?)"

    /// Appends one change; durable when it returns (under the default `synchronous=FULL`).
    /// Changes recorded concurrently from several tasks or threads share one commit.
    ///
    /// ```swift
    /// let seq = try await journal.changeLog.record(lead: "L-1042", fields: ["budget": .number("5000")])
    /// ```
    /// - Returns: the change's sequence number.
    /// - Throws: `JournalError` (`invalidChange`) for an empty lead id; `SQLiteError` when the
    ///   write failed (nothing was appended).
    @discardableResult
    package func record(lead: String, fields: [String: FieldValue], at: Date = Date()) async throws -> Int64 {
        let change = try Self.validated(LeadChange(lead: lead, fields: fields, at: at))
        return try await withCheckedThrowingContinuation { continuation in
            submit(change) { continuation.resume(with: $0) }
        }
    }

    /// The sequence number of the last change appended (0 when none).
    package func lastSeq() async throws -> Int64 {
        try await database.run { db in try db.read { db in try db.scalar("SELECT max(seq) FROM change") ?? 0 } }
    }

    /// Joins `change` to the next group commit, scheduling one when none is waiting.
    private func submit(_ change: LeadChange, completion: @escaping GroupCommit.Completion) {
        let groupCommit = database.groupCommit
        guard groupCommit.submit(change, completion: completion) else { return }
        database.schedule { db in
            let group = groupCommit.take()
            do {
                let last = try Self.append(group.map(\.change), origin: .local, db)!
                // Rowids inside one transaction are consecutive: no other writer can interleave.
                let first = last - Int64(group.count) + 1
                for (offset, entry) in group.enumerated() { entry.completion(.success(first + Int64(offset))) }
            } catch {
                for entry in group { entry.completion(.failure(error)) }
            }
        }
    }

    private static func validated(_ change: LeadChange) throws -> LeadChange {
        try change.validate()
        return change
    }

    /// Appends many changes in one transaction: all or none, durable when it returns. Batches
    /// of about a thousand cost little more than one change (one commit, one fsync).
    ///
    /// - Returns: the seq of the last change, or nil when `changes` is empty.
    @discardableResult
    package func record(_ changes: [LeadChange]) async throws -> Int64? {
        try await database.run { db in try Self.append(changes, origin: .local, db) }
    }

    static func append(_ changes: [LeadChange], origin: ChangeOrigin, _ db: Connection) throws -> Int64? {
        // Each change's fields encoded into one reused buffer: an array per change cost the
        // batched appends a tenth against raw SQLite.
        var encoded: [UInt8] = []
        encoded.reserveCapacity(512)
        return try append(changes, origin: origin, db) { change in
            encoded.removeAll(keepingCapacity: true)
            FieldsCodec.encode(change.fields, into: &encoded)
            return (change.lead, change.atMilliseconds, encoded)
        }
    }

    static func append(_ changes: [EncodedChange], origin: ChangeOrigin, _ db: Connection) throws -> Int64? {
        try append(changes, origin: origin, db) { ($0.lead, $0.atMilliseconds, $0.fields) }
    }

    /// Appends `changes` in one transaction, each as `row` gives its lead, `at` and fields' text.
    private static func append<Change>(
        _ changes: [Change], origin: ChangeOrigin, _ db: Connection,
        row: (Change) -> (lead: String, at: Int64, fields: [UInt8])
    ) throws -> Int64? {
        guard !changes.isEmpty else { return nil }
        return try db.write { db in
            let insert = try db.cached(insertChangeSQL)
            for change in changes {
                let (lead, at, fields) = row(change)
                try LeadChange.validate(lead: lead)
                try insert.bind(1, lead)
                try insert.bind(2, at)
                try insert.bind(3, utf8: fields)
                try insert.bind(4, origin.rawValue)
                try insert.step()
                insert.reset()
            }
            return db.lastInsertRowID
        }
    }
}
