package import Foundation
package import LeadSyncJournal
package import LeadSyncSupport
internal import PostgresNIO

/// A tenant's change log: the PostgreSQL twin of `ChangeLog`.
///
/// An append folds its changes into the tenant's lead state in the same transaction (with the
/// journal's `DerivedStateWriter`, so by the same rules): the tenant's rows are locked by the
/// append anyway, and a read never finds changes left to fold. `fold()` has nothing to do.
package struct PostgresChangeLog: ChangeLogProtocol {
    let tenant: String
    let database: PostgresDatabase
    /// The lease every write checks, when the tenant was opened by a worker (decision 0028).
    let lease: TenantLease?

    /// Appends one change and folds it; durable when it returns.
    package func record(lead: String, fields: [String: FieldValue], at: Date) async throws -> Int64 {
        try await record([LeadChange(lead: lead, fields: fields, at: at)])!
    }

    /// Appends changes and folds them, in one transaction; returns the last seq (nil for none).
    package func record(_ changes: [LeadChange]) async throws -> Int64? {
        guard !changes.isEmpty else { return nil }
        for change in changes { try change.validate() }
        return try await database.writes("recording \(changes.count) changes of tenant \(tenant)", lease: lease) {
            connection in
            try await Self.append(changes, origin: .local, tenant, connection, database)
        }
    }

    package func lastSeq() async throws -> Int64 {
        try await database.statements("reading the last seq of tenant \(tenant)") { connection in
            let rows = try await connection.query(
                "SELECT last_seq FROM tenant WHERE id = \(tenant)", logger: database.logger)
            for try await seq in rows.decode(Int64.self) { return seq }
            return 0
        }
    }

    /// Returns 0: every append folded its changes already.
    package func fold() async throws -> Int { 0 }

    /// Appends `changes` with the tenant's next seqs and folds them into its leads, inside the
    /// caller's transaction; returns the last seq.
    static func append(
        _ changes: [LeadChange], origin: ChangeOrigin, _ tenant: String, _ connection: PostgresConnection,
        _ database: PostgresDatabase
    ) async throws -> Int64 {
        let logger = database.logger
        let numbering = try await PostgresLeadRows.lockTenant(tenant, connection, logger)
        let seqs = changes.indices.map { numbering.lastSeq + 1 + Int64($0) }
        let encoded = changes.map { change in
            change.fields.map { (name: $0.key, value: FieldsCodec.encode($0.value)) }
        }
        try await connection.query(
            """
            INSERT INTO change (tenant, seq, lead, at, fields, origin)
            SELECT \(tenant), u.seq, u.lead, u.at, u.fields, \(origin.rawValue)
            FROM unnest(
                \(seqs), \(changes.map(\.lead)), \(changes.map(\.atMilliseconds)),
                \(changes.map { FieldsCodec.encode($0.fields) })
            ) AS u(seq, lead, at, fields)
            """, logger: logger)

        let rows = PostgresLeadRows(tenant: tenant, lastLeadID: numbering.lastLeadID)
        rows.hold(try await PostgresLeadRows.leads(keys: Array(Set(changes.map(\.lead))), tenant, connection, logger))
        let writer = DerivedStateWriter(
            rows: rows, mappings: try await PostgresConfigurationStore.mappings(tenant, connection, database))
        for (index, change) in changes.enumerated() {
            try writer.fold(
                seq: seqs[index], lead: change.lead, at: change.atMilliseconds, fields: encoded[index], origin: origin)
        }
        writer.count(.foldedSeq, Int64(changes.count))
        try writer.finish()
        try await rows.flush(connection, logger)
        try await connection.query(
            """
            INSERT INTO field_seen (tenant, field)
            SELECT \(tenant), unnest(\(Array(Set(changes.flatMap(\.fields.keys)))))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        try await connection.query(
            "UPDATE tenant SET last_seq = \(seqs.last!) WHERE id = \(tenant)", logger: logger)
        return seqs.last!
    }
}
