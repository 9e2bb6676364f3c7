package import Foundation
package import LeadSyncJournal
internal import LeadSyncSupport
internal import Logging
internal import PostgresNIO

/// What the remote answered and holds, for one tenant: the PostgreSQL twin of `DeliveryLedger`.
/// The rules are the journal's (`DerivedStateWriter.record`, `mark`, `link`, `forgetRemote`,
/// `retry`); each call reads the leads it concerns with one statement and writes them back with
/// one, holding the tenant row's lock.
package struct PostgresDeliveryLedger: DeliveryLedgerProtocol {
    let tenant: String
    let database: PostgresDatabase
    /// The lease every write checks, when the tenant was opened by a worker (decision 0028).
    let lease: TenantLease?

    package func recordSyncStep(outcomes: [LeadOutcome], marks: [String: LeadMark], at now: Date) async throws {
        let now = Timestamp.epochMilliseconds(now)
        try await database.writes("recording a sync step of tenant \(tenant)", lease: lease) { connection in
            let logger = database.logger
            let rows = try await PostgresLeadRows.locking(
                keys: Array(Set(outcomes.map(\.lead)).union(marks.keys)), tenant, connection, logger)
            let writer = DerivedStateWriter(
                rows: rows, mappings: try await PostgresConfigurationStore.mappings(tenant, connection, database))
            var refusals: [Refusal] = []
            for outcome in outcomes { refusals += try writer.record(outcome) }
            try writer.mark(marks)
            try writer.finish()
            try await rows.flush(connection, logger)
            try await insert(refusals, at: now, connection, logger)
        }
    }

    package func applyPulled(_ updates: [PulledUpdate], settings: [SettingKey: String?]) async throws {
        try await database.writes("applying \(updates.count) pulled records to tenant \(tenant)", lease: lease) {
            connection in
            let logger = database.logger
            let rows = try await PostgresLeadRows.locking(
                keys: Array(Set(updates.map(\.lead))), tenant, connection, logger)
            let writer = DerivedStateWriter(
                rows: rows, mappings: try await PostgresConfigurationStore.mappings(tenant, connection, database))
            let changes = try updates.compactMap(writer.link)
            try writer.finish()
            try await rows.flush(connection, logger)
            if !changes.isEmpty {
                _ = try await PostgresChangeLog.append(changes, origin: .remote, tenant, connection, database)
            }
            try await PostgresConfigurationStore.set(settings, tenant, connection, database)
        }
    }

    package func forgetRemoteState() async throws {
        try await database.writes("forgetting the remote state of tenant \(tenant)", lease: lease) { connection in
            let logger = database.logger
            let rows = try await PostgresLeadRows.locking(keys: [], tenant, connection, logger)
            let writer = DerivedStateWriter(
                rows: rows, mappings: try await PostgresConfigurationStore.mappings(tenant, connection, database))
            try await PostgresLeadRows.forEachWindow("true", tenant, connection, logger) { leads in
                for lead in leads {
                    writer.adopt(lead)
                    try writer.forgetRemote(of: lead)
                }
                try writer.finish()
                try await rows.flush(connection, logger)
            }
            let removed = try await connection.query(
                "DELETE FROM rejected WHERE tenant = \(tenant) RETURNING id", logger: logger
            ).collect().count
            writer.count(.rejected, -Int64(removed))
            try writer.finish()
            try await rows.flush(connection, logger)
        }
    }

    package func rejectedEntries(lead: String?) async throws -> [RejectedEntry] {
        try await database.statements("reading rejected entries of tenant \(tenant)") { connection in
            try await Self.rejectedEntries(lead: lead, tenant, connection, database.logger)
        }
    }

    package func retryRejected(ids: [String]?) async throws -> Int {
        try await database.writes("retrying rejected entries of tenant \(tenant)", lease: lease) { connection in
            let logger = database.logger
            let numbering = try await PostgresLeadRows.lockTenant(tenant, connection, logger)
            var stored: [Int64: (leadID: Int64, fields: [String])] = [:]
            var order: [Int64] = []
            let query: PostgresQuery =
                if let ids {
                    "SELECT id, lead_id, fields FROM rejected WHERE tenant = \(tenant) AND id = ANY(\(ids.compactMap { Int64($0) }))"
                } else {
                    "SELECT id, lead_id, fields FROM rejected WHERE tenant = \(tenant) ORDER BY id"
                }
            for try await (id, leadID, fields) in try await connection.query(query, logger: logger).decode(
                (Int64, Int64, String).self)
            {
                stored[id] = (leadID, Array(try FieldsCodec.decode(fields).keys))
                order.append(id)
            }
            let entries: [(id: Int64, leadID: Int64, fields: [String])] = try (ids ?? order.map(String.init)).map {
                id in
                guard let number = Int64(id), let entry = stored[number] else {
                    throw JournalError(.unknownRejectedEntry, "no rejected entry with id \(id)")
                }
                return (number, entry.leadID, entry.fields)
            }
            let rows = PostgresLeadRows(tenant: tenant, lastLeadID: numbering.lastLeadID)
            rows.hold(
                try await PostgresLeadRows.leads(
                    """
                    SELECT \(unescaped: PostgresLeadRows.columns) FROM lead
                    WHERE tenant = \(tenant) AND id = ANY(\(entries.map { $0.leadID }))
                    """, connection, logger))
            let writer = DerivedStateWriter(
                rows: rows, mappings: try await PostgresConfigurationStore.mappings(tenant, connection, database))
            for entry in entries { try writer.retry(leadID: entry.leadID, fields: entry.fields) }
            try await connection.query(
                "DELETE FROM rejected WHERE tenant = \(tenant) AND id = ANY(\(entries.map { $0.id }))", logger: logger)
            try writer.finish()
            try await rows.flush(connection, logger)
            return entries.count
        }
    }

    /// Stores `refusals` as rejected entries numbered after the tenant's last, with one statement.
    private func insert(_ refusals: [Refusal], at now: Int64, _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        guard !refusals.isEmpty else { return }
        let rows = try await connection.query(
            """
            UPDATE tenant SET last_rejected_id = last_rejected_id + \(Int64(refusals.count))
            WHERE id = \(tenant) RETURNING last_rejected_id
            """, logger: logger)
        var last: Int64 = 0
        for try await id in rows.decode(Int64.self) { last = id }
        let first = last - Int64(refusals.count) + 1
        try await connection.query(
            """
            INSERT INTO rejected (tenant, id, lead_id, fields, category, message, at, source)
            SELECT \(tenant), u.id, u.lead_id, u.fields, u.category, u.message, \(now), u.source
            FROM unnest(
                \(refusals.indices.map { first + Int64($0) }), \(refusals.map(\.leadID)),
                \(refusals.map { FieldsCodec.encode($0.fields) }), \(refusals.map(\.category)), \(refusals.map(\.message)),
                \(refusals.map(\.source.rawValue))
            ) AS u(id, lead_id, fields, category, message, source)
            """, logger: logger)
    }

    /// The tenant's rejected entries, oldest first; with `lead`, only that lead's.
    static func rejectedEntries(
        lead: String?, _ tenant: String, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> [RejectedEntry] {
        let select = """
            SELECT r.id, l.key, r.fields, r.category, r.message, r.at, r.source
            FROM rejected r JOIN lead l ON l.tenant = r.tenant AND l.id = r.lead_id
            """
        let query: PostgresQuery =
            if let lead {
                "\(unescaped: select) WHERE r.tenant = \(tenant) AND l.key = \(lead) ORDER BY r.id"
            } else {
                "\(unescaped: select) WHERE r.tenant = \(tenant) ORDER BY r.id"
            }
        var entries: [RejectedEntry] = []
        for try await (id, key, fields, category, message, at, source) in try await connection.query(
            query, logger: logger
        ).decode((Int64, String, String, String, String, Int64, String).self) {
            entries.append(
                RejectedEntry(
                    id: String(id), lead: key, fields: try FieldsCodec.decode(fields), category: category,
                    message: message, atMilliseconds: at, source: RejectedEntry.Source(rawValue: source) ?? .remote))
        }
        return entries
    }
}
