public import Foundation
internal import LeadSyncSupport
internal import LeadSyncSQLite

extension Journal {
    /// A bounded window of leads with pending mapped values, in a stable order.
    ///
    /// Call `fold()` first so recent appends are included. Pass the last lead's `cursor` as
    /// `after` for the next window.
    public func pendingLeads(limit: Int, after cursor: Int64 = 0) throws -> [PendingLead] {
        try sync { db in try Self.pendingLeads(limit: limit, after: cursor, db) }
    }

    /// `pendingLeads(limit:after:)` without blocking the calling task's thread.
    public func pendingLeads(limit: Int, after cursor: Int64 = 0) async throws -> [PendingLead] {
        try await async { _, db in try Self.pendingLeads(limit: limit, after: cursor, db) }
    }

    static func pendingLeads(limit: Int, after cursor: Int64, _ db: Connection) throws -> [PendingLead] {
        try db.read { db in
            let writer = try DerivedStateWriter(db)
            let leads = try db.cached(
                "SELECT id, key, remote_id, mark FROM lead WHERE pending_fields > 0 AND id > ? ORDER BY id LIMIT ?")
            try leads.bind(1, cursor)
            try leads.bind(2, Int64(limit))
            var result: [PendingLead] = []
            while try leads.step() {
                result.append(
                    PendingLead(
                        cursor: leads.int64(0), lead: leads.text(1), remoteID: leads.optionalText(2), identity: nil,
                        mark: LeadMark(rawValue: leads.int64(3)) ?? .none, fields: []))
            }
            leads.reset()
            let fields = try db.cached("SELECT field, value, seq, at FROM lead_field WHERE lead_id = ? AND state = 0")
            for index in result.indices {
                try fields.bind(1, result[index].cursor)
                while try fields.step() {
                    let field = fields.text(0)
                    guard let mapping = writer.mappings[field] else { continue }
                    result[index].fields.append(
                        PendingLead.Field(
                            field: field, property: mapping.property, write: mapping.write,
                            value: try FieldsCodec.decodeValue(fields.text(1)), seq: fields.int64(2),
                            atMilliseconds: fields.int64(3)))
                }
                fields.reset()
                if let identityField = writer.identityField,
                    let row = try writer.fieldRow(result[index].cursor, identityField)
                {
                    result[index].identity = try FieldsCodec.decodeValue(row.value)
                }
            }
            return result
        }
    }

    /// Records the remote's answers for many leads in one transaction.
    ///
    /// A field outcome applies only while the field's current value is still the one from
    /// `seq`: a value that arrived meanwhile stays pending. A delivery always updates the
    /// property's base value, since what was sent is what the remote now holds. Rejections are
    /// grouped into one entry per lead, category and message.
    ///
    /// - Throws: `JournalError.unknownLead` when a lead is not in the journal (nothing is
    ///   recorded then).
    public func recordOutcomes(_ outcomes: [LeadOutcome], at now: Date = Date()) throws {
        try sync { db in try Self.recordOutcomes(outcomes, now: Timestamp.epochMilliseconds(now), db) }
    }

    /// `recordOutcomes(_:)` without blocking the calling task's thread.
    public func recordOutcomes(_ outcomes: [LeadOutcome], at now: Date = Date())
        async throws
    {
        let now = Timestamp.epochMilliseconds(now)
        try await async { _, db in try Self.recordOutcomes(outcomes, now: now, db) }
    }

    static func recordOutcomes(_ outcomes: [LeadOutcome], now: Int64, _ db: Connection) throws {
        try db.write { db in
            let writer = try DerivedStateWriter(db)
            for outcome in outcomes {
                guard let leadID = try writer.leadID(outcome.lead, create: false) else {
                    throw JournalError(.unknownLead, "unknown lead \(outcome.lead)")
                }
                switch outcome.remoteID {
                case .keep: break
                case .set(let id):
                    try db.cached("UPDATE lead SET remote_id = ? WHERE id = ?").execute([.text(id), .integer(leadID)])
                    writer.touch(leadID)
                case .clear:
                    try db.cached("UPDATE lead SET remote_id = NULL WHERE id = ?").execute([.integer(leadID)])
                    try db.cached("DELETE FROM base_value WHERE lead_id = ?").execute([.integer(leadID)])
                    writer.touch(leadID)
                }
                var refusals: [RefusalKey: [String: FieldValue]] = [:]
                for field in outcome.fields {
                    let row = try writer.fieldRow(leadID, field.field)
                    let current = row.map { $0.seq == field.seq && $0.state == .pending } ?? false
                    switch field.result {
                    case .delivered(let property, let sent):
                        try setBaseValue(leadID, property, sent, db)
                        if current, let row { try writer.setState(leadID, field.field, row, to: .delivered) }
                    case .rejected(let category, let message, let source):
                        guard current, let row else { continue }
                        try writer.setState(leadID, field.field, row, to: .rejected)
                        refusals[RefusalKey(category: category, message: message, source: source), default: [:]][
                            field.field] = try FieldsCodec.decodeValue(row.value)
                    case .skipped(let property, let remoteValue):
                        guard current, var row else { continue }
                        writer.count(.skipped, 1)
                        if let remoteValue {
                            try setBaseValue(leadID, property, remoteValue, db)
                            let old = row
                            row.value = FieldsCodec.encode(.string(remoteValue))
                            row.state = .skipped
                            try writer.setField(leadID, field.field, old: old, new: row)
                        } else {
                            try writer.setState(leadID, field.field, row, to: .skipped)
                        }
                    }
                }
                for (key, fields) in refusals.sorted(by: { $0.key.message < $1.key.message }) {
                    try db.cached(
                        "INSERT INTO rejected(lead_id, fields, category, message, at, source) VALUES (?, ?, ?, ?, ?, ?)"
                    ).execute([
                        .integer(leadID), .text(FieldsCodec.encode(fields)), .text(key.category), .text(key.message),
                        .integer(now), .text(key.source.rawValue),
                    ])
                    writer.count(.rejected, 1)
                }
            }
            try writer.finish()
        }
    }

    private struct RefusalKey: Hashable {
        var category: String
        var message: String
        var source: RejectedEntry.Source
    }

    private static func setBaseValue(_ leadID: Int64, _ property: String, _ value: String, _ db: Connection) throws {
        try db.cached(
            "INSERT INTO base_value(lead_id, property, value) VALUES (?, ?, ?) ON CONFLICT(lead_id, property) DO UPDATE SET value = excluded.value"
        ).execute([.integer(leadID), .text(property), .text(value)])
    }

    /// The base values of a lead: per property, the last value known to be in the remote.
    public func baseValues(lead: String) throws -> [String: String] {
        try sync { db in
            let select = try db.cached(
                "SELECT b.property, b.value FROM base_value b JOIN lead l ON l.id = b.lead_id WHERE l.key = ?")
            defer { select.reset() }
            try select.bind(1, lead)
            var values: [String: String] = [:]
            while try select.step() { values[select.text(0)] = select.text(1) }
            return values
        }
    }

    /// Sets what the sync found about pending leads' identity. A mark lasts while the lead has
    /// pending values; `awaitingIdentity` is also set (and cleared) by the journal itself from
    /// the identity field and the remote id.
    public func markLeads(_ marks: [String: LeadMark]) throws {
        try sync { db in try Self.markLeads(marks, db) }
    }

    /// The lead linked to a remote id, if any.
    public func lead(remoteID: String) throws -> String? {
        try sync { db in try db.scalarText("SELECT key FROM lead WHERE remote_id = ?", [.text(remoteID)]) }
    }

    // MARK: Rejections

    /// Every rejected entry, oldest first; with `lead`, only that lead's.
    public func rejectedEntries(lead: String? = nil) throws -> [RejectedEntry] {
        try sync { db in try Self.rejectedEntries(lead: lead, db) }
    }

    static func rejectedEntries(lead: String?, _ db: Connection) throws -> [RejectedEntry] {
        let select = try db.cached(
            """
            SELECT r.id, l.key, r.fields, r.category, r.message, r.at, r.source
            FROM rejected r JOIN lead l ON l.id = r.lead_id
            WHERE ?1 IS NULL OR l.key = ?1 ORDER BY r.id
            """)
        defer { select.reset() }
        try select.bind(1, lead)
        var entries: [RejectedEntry] = []
        while try select.step() {
            entries.append(
                RejectedEntry(
                    id: String(select.int64(0)), lead: select.text(1), fields: try FieldsCodec.decode(select.text(2)),
                    category: select.text(3), message: select.text(4), atMilliseconds: select.int64(5),
                    source: RejectedEntry.Source(rawValue: select.text(6)) ?? .remote))
        }
        return entries
    }

    /// Makes the refused fields of the given entries pending again, each with the field's
    /// current winning value, and removes the entries. With `ids` nil, retries every entry.
    ///
    /// - Returns: how many entries were retried.
    /// - Throws: `JournalError.unknownRejectedEntry` for an unknown id; nothing changes then.
    @discardableResult
    public func retryRejected(ids: [String]?) throws -> Int {
        try sync { db in
            try db.write { db in
                let writer = try DerivedStateWriter(db)
                let entries: [(id: Int64, leadID: Int64, fields: [String])]
                if let ids {
                    entries = try ids.map { id in
                        guard let number = Int64(id),
                            let entry = try Self.rejectedEntry(number, db)
                        else { throw JournalError(.unknownRejectedEntry, "no rejected entry with id \(id)") }
                        return entry
                    }
                } else {
                    let select = try db.cached("SELECT id FROM rejected ORDER BY id")
                    var numbers: [Int64] = []
                    while try select.step() { numbers.append(select.int64(0)) }
                    select.reset()
                    entries = try numbers.compactMap { try Self.rejectedEntry($0, db) }
                }
                for entry in entries {
                    for field in entry.fields {
                        guard let row = try writer.fieldRow(entry.leadID, field), row.state == .rejected else { continue }
                        try writer.setState(
                            entry.leadID, field, row, to: writer.mappings[field] == nil ? .unmapped : .pending)
                    }
                    try db.cached("DELETE FROM rejected WHERE id = ?").execute([.integer(entry.id)])
                    writer.count(.rejected, -1)
                }
                try writer.finish()
                return entries.count
            }
        }
    }

    private static func rejectedEntry(_ id: Int64, _ db: Connection) throws -> (
        id: Int64, leadID: Int64, fields: [String]
    )? {
        let select = try db.cached("SELECT lead_id, fields FROM rejected WHERE id = ?")
        defer { select.reset() }
        try select.bind(1, id)
        guard try select.step() else { return nil }
        return (id, select.int64(0), Array(try FieldsCodec.decode(select.text(1)).keys))
    }

    /// Forgets everything learnt from the remote account (remote ids, base values, delivery
    /// outcomes, rejections), so every lead's current mapped values become pending again and
    /// are matched afresh. For connecting a journal to a different account.
    public func forgetRemoteState() throws {
        try sync { db in
            try db.write { db in
                try db.execute("UPDATE lead SET remote_id = NULL; DELETE FROM base_value;")
                let writer = try DerivedStateWriter(db)
                for field in writer.mappings.keys {
                    try Self.setFieldStates(field, from: [.delivered, .rejected, .skipped], to: .pending, writer)
                }
                let rejected = try db.scalar("SELECT count(*) FROM rejected") ?? 0
                try db.execute("DELETE FROM rejected")
                writer.count(.rejected, -rejected)
                try writer.finish()
            }
        }
    }
}
