package import LeadSyncJournal
package import LeadSyncSupport
internal import Logging
internal import PostgresNIO

/// Reads of a tenant's lead state: the PostgreSQL twin of `LeadStore`. What a read makes of a
/// lead is the journal's (`PendingLead`, `LeadRecord`, … built from `StoredLead`); windows are
/// ranges of the tenant's part of an index. Nothing is left to fold before a read (appends fold).
package struct PostgresLeadStore: LeadStoreProtocol {
    let tenant: String
    let database: PostgresDatabase

    private var columns: String { PostgresLeadRows.columns }

    package func status() async throws -> JournalStatus {
        try await database.statements("reading the status of tenant \(tenant)") { connection in
            let logger = database.logger
            var counters: [String: Int64] = [:]
            for try await (name, value) in try await connection.query(
                "SELECT name, value FROM counter WHERE tenant = \(tenant)", logger: logger
            ).decode((String, Int64).self) {
                counters[name] = value
            }
            var lastSeq: Int64 = 0
            for try await seq in try await connection.query(
                "SELECT last_seq FROM tenant WHERE id = \(tenant)", logger: logger
            ).decode(Int64.self) {
                lastSeq = seq
            }
            let settings = try await PostgresConfigurationStore.settings(tenant, connection, database, only: nil)
            return JournalStatus(
                counters: counters, lastSeq: lastSeq, lastSyncAt: settings[.lastSyncAt],
                lastError: settings[.lastError])
        }
    }

    package func lead(_ key: String) async throws -> LeadRecord? {
        try await database.statements("reading lead \(key) of tenant \(tenant)") { connection in
            let logger = database.logger
            guard let lead = try await PostgresLeadRows.leads(keys: [key], tenant, connection, logger).first else {
                return nil
            }
            var pending: [LeadRecord.PendingChange] = []
            for try await (seq, at, fields) in try await connection.query(
                "SELECT seq, at, fields FROM change WHERE tenant = \(tenant) AND seq = ANY(\(lead.pendingSeqs)) ORDER BY seq",
                logger: logger
            ).decode((Int64, Int64, String).self) {
                pending.append(
                    LeadRecord.PendingChange(seq: seq, atMilliseconds: at, fields: try FieldsCodec.decode(fields)))
            }
            let rejected = try await PostgresDeliveryLedger.rejectedEntries(lead: key, tenant, connection, logger)
            return try LeadRecord(
                lead, mappings: try await PostgresConfigurationStore.mappings(tenant, connection, database),
                pending: pending, rejected: rejected)
        }
    }

    package func fieldsSeen() async throws -> [String] {
        try await database.statements("reading the fields of tenant \(tenant)") { connection in
            var fields: [String] = []
            for try await field in try await connection.query(
                "SELECT field FROM field_seen WHERE tenant = \(tenant) ORDER BY field COLLATE \"C\"",
                logger: database.logger
            ).decode(String.self) {
                fields.append(field)
            }
            return fields
        }
    }

    package func pendingLeads(limit: Int, after cursor: Int64) async throws -> [PendingLead] {
        try await database.statements("reading pending leads of tenant \(tenant)") { connection in
            let mappings = try await PostgresConfigurationStore.mappings(tenant, connection, database)
            return try await window("pending_fields > 0", after: cursor, limit: limit, connection).map {
                try PendingLead($0, mappings: mappings)
            }
        }
    }

    package func pendingLeads(changedAfter seq: Int64, limit: Int) async throws -> (
        leads: [PendingLead], through: Int64
    ) {
        try await database.statements("reading changed leads of tenant \(tenant)") { connection in
            let logger = database.logger
            var through = seq
            var keys: [String] = []
            var seen = Set<String>()
            for try await (changeSeq, key) in try await connection.query(
                "SELECT seq, lead FROM change WHERE tenant = \(tenant) AND seq > \(seq) ORDER BY seq LIMIT \(Int64(limit))",
                logger: logger
            ).decode((Int64, String).self) {
                through = changeSeq
                if seen.insert(key).inserted { keys.append(key) }
            }
            let mappings = try await PostgresConfigurationStore.mappings(tenant, connection, database)
            let leads = Dictionary(
                try await PostgresLeadRows.leads(keys: keys, tenant, connection, logger).map { ($0.key, $0) },
                uniquingKeysWith: { first, _ in first })
            // In the order of their first change, as the SQLite journal answers.
            let pending = try keys.compactMap { leads[$0] }.filter { $0.pendingFields > 0 }.map {
                try PendingLead($0, mappings: mappings)
            }
            return (pending, through)
        }
    }

    package func linkedLeads(limit: Int, after cursor: Int64) async throws -> [LinkedLead] {
        try await database.statements("reading linked leads of tenant \(tenant)") { connection in
            try await window("remote_id IS NOT NULL", after: cursor, limit: limit, connection).map(LinkedLead.init)
        }
    }

    package func linkedLeadsSample(_ count: Int) async throws -> [LinkedLead] {
        try await database.statements("sampling linked leads of tenant \(tenant)") { connection in
            try await PostgresLeadRows.leads(
                """
                SELECT \(unescaped: columns) FROM lead WHERE tenant = \(tenant) AND remote_id IS NOT NULL
                ORDER BY random() LIMIT \(Int64(count))
                """, connection, database.logger
            ).map(LinkedLead.init)
        }
    }

    package func identityValues() async throws -> [(lead: String, value: FieldValue)] {
        try await database.statements("reading identity values of tenant \(tenant)") { connection in
            let mappings = try await PostgresConfigurationStore.mappings(tenant, connection, database)
            guard let identityField = mappings.values.first(where: { $0.property == Mapping.identityProperty })?.field
            else { return [] }
            var values: [(lead: String, value: FieldValue)] = []
            try await forEachWindow("true", connection) { leads in
                for lead in leads {
                    if let value = try lead.value(of: identityField) { values.append((lead.key, value)) }
                }
            }
            return values
        }
    }

    package func leadSnapshots(leads: [String], remoteIDs: [String]) async throws -> [LeadSnapshot] {
        try await database.statements("reading lead snapshots of tenant \(tenant)") { connection in
            try await PostgresLeadRows.leads(
                """
                SELECT \(unescaped: columns) FROM lead
                WHERE tenant = \(tenant) AND (key = ANY(\(leads)) OR remote_id = ANY(\(remoteIDs))) ORDER BY id
                """, connection, database.logger
            ).map(LeadSnapshot.init)
        }
    }

    package func oldestPendingAt() async throws -> Int64? {
        try await database.statements("reading the oldest pending change of tenant \(tenant)") { connection in
            var oldest: Int64?
            try await forEachWindow("pending_fields > 0 AND mark = \(LeadMark.none.rawValue)", connection) { leads in
                for at in leads.lazy.compactMap(\.oldestPendingAt) { oldest = min(oldest ?? at, at) }
            }
            return oldest
        }
    }

    private func window(_ condition: String, after cursor: Int64, limit: Int, _ connection: PostgresConnection)
        async throws -> [StoredLead]
    {
        try await PostgresLeadRows.window(condition, after: cursor, limit: limit, tenant, connection, database.logger)
    }

    private func forEachWindow(
        _ condition: String, _ connection: PostgresConnection, _ body: ([StoredLead]) throws -> Void
    ) async throws {
        try await PostgresLeadRows.forEachWindow(condition, tenant, connection, database.logger) { try body($0) }
    }
}
