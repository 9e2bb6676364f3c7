public import Foundation
public import LeadSyncSupport
internal import LeadSyncSQLite

extension Journal {
    static let insertChangeSQL = "INSERT INTO change(lead, at, fields, origin) VALUES (?, ?, ?, ?)"

    /// Appends one change; durable when it returns (under the default `synchronous=FULL`).
    ///
    /// ```swift
    /// let seq = try journal.record(lead: "L-1042", fields: ["budget": .number("5000")])
    /// ```
    /// - Returns: the change's sequence number.
    /// - Throws: `JournalError` (`invalidChange`) for an empty lead id; `SQLiteError` when the
    ///   write failed (nothing was appended).
    @discardableResult
    public func record(lead: String, fields: [String: FieldValue], at: Date = Date()) throws -> Int64 {
        let change = LeadChange(lead: lead, fields: fields, at: at)
        return try sync { db in try Self.append([change], origin: .local, db)! }
    }

    /// Appends one change without blocking the calling task's thread.
    @discardableResult
    public func record(lead: String, fields: [String: FieldValue], at: Date = Date()) async throws -> Int64 {
        let change = LeadChange(lead: lead, fields: fields, at: at)
        return try await async { _, db in try Self.append([change], origin: .local, db)! }
    }

    /// Appends many changes in one transaction: all or none, durable when it returns. Batches
    /// of about a thousand cost little more than one change (one commit, one fsync).
    ///
    /// - Returns: the seq of the last change, or nil when `changes` is empty.
    @discardableResult
    public func record(_ changes: [LeadChange]) throws -> Int64? {
        try sync { db in try Self.append(changes, origin: .local, db) }
    }

    /// Appends many changes in one transaction without blocking the calling task's thread.
    @discardableResult
    public func record(_ changes: [LeadChange]) async throws -> Int64? {
        try await async { _, db in try Self.append(changes, origin: .local, db) }
    }

    static func append(_ changes: [LeadChange], origin: ChangeOrigin, _ db: Connection) throws -> Int64? {
        guard !changes.isEmpty else { return nil }
        for change in changes where change.lead.isEmpty {
            throw JournalError(.invalidChange, "a change needs a non-empty lead id")
        }
        return try db.write { db in
            let insert = try db.cached(insertChangeSQL)
            var encoded: [UInt8] = []
            encoded.reserveCapacity(512)
            for change in changes {
                encoded.removeAll(keepingCapacity: true)
                FieldsCodec.encode(change.fields, into: &encoded)
                try insert.bind(1, change.lead)
                try insert.bind(2, change.atMilliseconds)
                try insert.bind(3, utf8: encoded)
                try insert.bind(4, origin.rawValue)
                try insert.step()
                insert.reset()
            }
            return db.lastInsertRowID
        }
    }
}
