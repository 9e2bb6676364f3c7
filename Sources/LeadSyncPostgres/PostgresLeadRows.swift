internal import LeadSyncJournal
internal import Logging
internal import PostgresNIO

/// A tenant's leads inside one transaction, for the journal's `DerivedStateWriter`: the leads a
/// change concerns are read beforehand with one statement, and what the writer writes is
/// gathered and stored with one set-based statement by `flush` (decision 0026). The writer's
/// rules are the SQLite journal's; only where the rows are differs.
///
/// The caller holds the tenant row's lock (`lockTenant`), which orders the tenant's writers and
/// gives out its lead ids.
final class PostgresLeadRows: LeadRows {
    let tenant: String
    private var byKey: [String: StoredLead] = [:]
    private var byID: [Int64: StoredLead] = [:]
    /// The last lead id given out (stored back by `flush`).
    private(set) var lastLeadID: Int64
    private var written: [StoredLead] = []
    private var deltas: [Counter: Int64] = [:]

    /// The columns every read of a whole lead selects, in `decodeLeads`' order.
    static let columns = "id, key, remote_id, mark, pending_fields, pending_changes, state"

    init(tenant: String, lastLeadID: Int64) {
        self.tenant = tenant
        self.lastLeadID = lastLeadID
    }

    /// Makes `leads` (just read) what `lead(key:)` and `lead(id:)` answer; a lead not among
    /// them is not in the tenant.
    func hold(_ leads: [StoredLead]) {
        for lead in leads {
            byKey[lead.key] = lead
            byID[lead.id] = lead
        }
    }

    func lead(key: String) throws -> StoredLead? { byKey[key] }

    func lead(id: Int64) throws -> StoredLead? { byID[id] }

    func newLeadID() throws -> Int64 {
        lastLeadID += 1
        return lastLeadID
    }

    func write(_ lead: StoredLead, isNew: Bool) throws { written.append(lead) }

    func add(_ deltas: [Counter: Int64]) throws { self.deltas.merge(deltas, uniquingKeysWith: +) }

    /// Stores the leads written and the counter deltas, one statement each, then the tenant's
    /// last lead id.
    func flush(_ connection: PostgresConnection, _ logger: Logger) async throws {
        if !written.isEmpty {
            // Optional elements cannot be bound in an array: `linked` says which remote ids are set.
            try await connection.query(
                """
                INSERT INTO lead (tenant, id, key, remote_id, mark, pending_fields, pending_changes, state)
                SELECT \(tenant), u.id, u.key, CASE WHEN u.linked THEN u.remote_id END, u.mark, u.pending_fields,
                    u.pending_changes, u.state
                FROM unnest(
                    \(written.map(\.id)), \(written.map(\.key)), \(written.map { $0.remoteID != nil }),
                    \(written.map { $0.remoteID ?? "" }), \(written.map(\.mark.rawValue)), \(written.map(\.pendingFields)),
                    \(written.map(\.pendingChanges)), \(written.map { ByteBuffer(bytes: $0.stateBlob) })
                ) AS u(id, key, linked, remote_id, mark, pending_fields, pending_changes, state)
                ON CONFLICT (tenant, id) DO UPDATE SET
                    remote_id = excluded.remote_id, mark = excluded.mark, pending_fields = excluded.pending_fields,
                    pending_changes = excluded.pending_changes, state = excluded.state
                """, logger: logger)
            written.removeAll()
        }
        let counters = deltas.filter { $0.value != 0 }
        if !counters.isEmpty {
            try await connection.query(
                """
                INSERT INTO counter (tenant, name, value)
                SELECT \(tenant), u.name, u.delta FROM unnest(\(counters.map { $0.key.rawValue }), \(counters.map { $0.value }))
                    AS u(name, delta)
                ON CONFLICT (tenant, name) DO UPDATE SET value = counter.value + excluded.value
                """, logger: logger)
        }
        deltas.removeAll()
        try await connection.query(
            "UPDATE tenant SET last_lead_id = \(lastLeadID) WHERE id = \(tenant)", logger: logger)
    }

    /// What a tenant's row numbers: its last seq, lead id and rejected entry id.
    struct Numbering {
        var lastSeq: Int64
        var lastLeadID: Int64
        var lastRejectedID: Int64
    }

    /// Locks the tenant's row until the transaction ends and returns what it numbers.
    static func lockTenant(_ tenant: String, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> Numbering
    {
        let rows = try await connection.query(
            "SELECT last_seq, last_lead_id, last_rejected_id FROM tenant WHERE id = \(tenant) FOR UPDATE",
            logger: logger)
        for try await (seq, leadID, rejectedID) in rows.decode((Int64, Int64, Int64).self) {
            return Numbering(lastSeq: seq, lastLeadID: leadID, lastRejectedID: rejectedID)
        }
        throw PostgresStoreError(.invalidTenant, "tenant \(tenant) is not in the store")
    }

    /// Locks the tenant's row and returns the rows of its leads with the given keys.
    static func locking(
        keys: [String], _ tenant: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> PostgresLeadRows {
        let rows = PostgresLeadRows(
            tenant: tenant, lastLeadID: try await lockTenant(tenant, connection, logger).lastLeadID)
        rows.hold(try await leads(keys: keys, tenant, connection, logger))
        return rows
    }

    /// The tenant's leads the query selects; its select list must be `columns`.
    static func leads(_ query: PostgresQuery, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> [StoredLead]
    {
        var leads: [StoredLead] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (id, key, remoteID, mark, pendingFields, pendingChanges, state) in rows.decode(
            (Int64, String, String?, Int64, Int64, Int64, ByteBuffer).self)
        {
            leads.append(
                try state.withUnsafeReadableBytes { bytes in
                    try StoredLead(
                        id: id, key: key, remoteID: remoteID, mark: LeadMark(rawValue: mark) ?? .none,
                        pendingFields: pendingFields, pendingChanges: pendingChanges, state: bytes)
                })
        }
        return leads
    }

    /// The tenant's leads with the given keys (those it has).
    static func leads(keys: [String], _ tenant: String, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> [StoredLead]
    {
        try await leads(
            "SELECT \(unescaped: columns) FROM lead WHERE tenant = \(tenant) AND key = ANY(\(keys))", connection,
            logger)
    }

    /// Up to `limit` of the tenant's leads meeting `condition` (SQL over the lead's columns, no
    /// values in it) after `cursor`, in id order: one range of the tenant's part of an index.
    static func window(
        _ condition: String, after cursor: Int64, limit: Int, _ tenant: String, _ connection: PostgresConnection,
        _ logger: Logger
    ) async throws -> [StoredLead] {
        try await leads(
            """
            SELECT \(unescaped: columns) FROM lead WHERE tenant = \(tenant) AND \(unescaped: condition) AND id > \(cursor)
            ORDER BY id LIMIT \(Int64(limit))
            """, connection, logger)
    }

    /// Calls `body` with every lead of the tenant meeting `condition`, a thousand at a time.
    static func forEachWindow(
        _ condition: String, _ tenant: String, _ connection: PostgresConnection, _ logger: Logger,
        _ body: ([StoredLead]) async throws -> Void
    ) async throws {
        var cursor: Int64 = 0
        while true {
            let leads = try await window(condition, after: cursor, limit: 1_000, tenant, connection, logger)
            guard let last = leads.last else { return }
            try await body(leads)
            cursor = last.id
        }
    }
}
