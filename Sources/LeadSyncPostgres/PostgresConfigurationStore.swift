package import LeadSyncJournal
internal import PostgresNIO

/// A tenant's mappings, push rules, pull rules and settings: the PostgreSQL twin of
/// `ConfigurationStore`, with the same checks (shared through `Mapping.change`,
/// `PushRules.changed` and `PullRule.validate`) and the same effect of a mapping change on the
/// leads' values (`StateMove`).
package struct PostgresConfigurationStore: ConfigurationStoreProtocol {
    let tenant: String
    let database: PostgresDatabase
    /// The lease every write checks, when the tenant was opened by a worker (decision 0028).
    let lease: TenantLease?

    package func mappings() async throws -> [Mapping] {
        try await database.statements("reading mappings") { connection in
            try await Self.mappings(tenant, connection, database).values.sorted { $0.field < $1.field }
        }
    }

    package func setMapping(_ mapping: Mapping) async throws -> Mapping? {
        try await database.writes("setting the mapping of \(mapping.field)", lease: lease) { connection in
            let change = try Mapping.change(
                setting: mapping, over: try await Self.mappings(tenant, connection, database))
            guard case .newProperty(let replaced) = change else {
                try await Self.upsert(mapping, tenant, connection, database)
                return nil
            }
            if let replaced {
                try await connection.query(
                    "DELETE FROM mapping WHERE tenant = \(tenant) AND field = \(replaced.field)",
                    logger: database.logger)
            }
            try await Self.upsert(mapping, tenant, connection, database)
            try await Self.move(StateMove.setting(mapping, replacing: replaced), tenant, connection, database)
            return replaced
        }
    }

    package func removeMapping(field: String) async throws -> Bool {
        try await database.writes("removing the mapping of \(field)", lease: lease) { connection in
            guard let mapping = try await Self.mappings(tenant, connection, database)[field] else { return false }
            try Mapping.checkRemoval(of: mapping)
            try await connection.query(
                "DELETE FROM mapping WHERE tenant = \(tenant) AND field = \(field)", logger: database.logger)
            try await Self.move([.removing(field)], tenant, connection, database)
            return true
        }
    }

    package func pushRules() async throws -> PushRules {
        try await database.statements("reading push rules") { connection in
            try await Self.pushRules(tenant, connection, database)
        }
    }

    package func setPushRules(update: Bool?, create: Bool?) async throws -> (rules: PushRules, createTurnedOff: Bool) {
        try await database.writes("setting push rules", lease: lease) { connection in
            let (rules, turnedOff) = try await Self.pushRules(tenant, connection, database)
                .changed(update: update, create: create)
            try await Self.set(
                [.pushUpdate: String(rules.update), .pushCreate: String(rules.create)], tenant, connection, database)
            return (rules, turnedOff)
        }
    }

    package func pullRules() async throws -> [PullRule] {
        try await database.statements("reading pull rules") { connection in
            let rows = try await connection.query(
                "SELECT id, property, op, vals FROM pull_rule WHERE tenant = \(tenant) ORDER BY id",
                logger: database.logger)
            var rules: [PullRule] = []
            for try await (id, property, op, values) in rows.decode((Int64, String, String, [String]).self) {
                rules.append(
                    PullRule(
                        id: String(id), property: property, op: PullRule.Operator(rawValue: op) ?? .eq, values: values))
            }
            return rules
        }
    }

    package func addPullRule(property: String, op: PullRule.Operator, values: [String]) async throws -> PullRule {
        try PullRule.validate(property: property, op: op, values: values)
        return try await database.writes("adding a pull rule", lease: lease) { connection in
            // Ids count per tenant from 1, as a journal's do: the tenant's row lock orders adders.
            try await connection.query("SELECT id FROM tenant WHERE id = \(tenant) FOR UPDATE", logger: database.logger)
            let rows = try await connection.query(
                """
                INSERT INTO pull_rule (tenant, id, property, op, vals)
                SELECT \(tenant), coalesce(max(id), 0) + 1, \(property), \(op.rawValue), \(values)
                FROM pull_rule WHERE tenant = \(tenant)
                RETURNING id
                """, logger: database.logger)
            var id: Int64 = 0
            for try await inserted in rows.decode(Int64.self) { id = inserted }
            return PullRule(id: String(id), property: property, op: op, values: values)
        }
    }

    package func removePullRule(id: String) async throws {
        guard let number = Int64(id) else { throw JournalError(.unknownPullRule, "no pull rule with id \(id)") }
        try await database.writes("removing pull rule \(id)", lease: lease) { connection in
            let removed = try await connection.query(
                "DELETE FROM pull_rule WHERE tenant = \(tenant) AND id = \(number) RETURNING id",
                logger: database.logger
            ).collect()
            guard !removed.isEmpty else { throw JournalError(.unknownPullRule, "no pull rule with id \(id)") }
        }
    }

    package func setting(_ key: SettingKey) async throws -> String? {
        try await database.statements("reading setting \(key.rawValue)") { connection in
            try await Self.settings(tenant, connection, database, only: key)[key]
        }
    }

    package func setSettings(_ values: [SettingKey: String?]) async throws {
        try await database.writes("storing settings", lease: lease) { connection in
            try await Self.set(values, tenant, connection, database)
        }
    }

    package func setSetting(_ key: SettingKey, _ value: String?) async throws {
        try await setSettings([key: value])
    }

    package func settings() async throws -> [SettingKey: String] {
        try await database.statements("reading settings") { connection in
            try await Self.settings(tenant, connection, database, only: nil)
        }
    }

    // MARK: Statements inside a transaction

    private static func upsert(
        _ mapping: Mapping, _ tenant: String, _ connection: PostgresConnection, _ database: PostgresDatabase
    ) async throws {
        try await connection.query(
            """
            INSERT INTO mapping (tenant, field, property, write)
            VALUES (\(tenant), \(mapping.field), \(mapping.property), \(mapping.write.rawValue))
            ON CONFLICT (tenant, field) DO UPDATE SET property = excluded.property, write = excluded.write
            """, logger: database.logger)
    }

    /// Applies `moves` to every lead of the tenant, a thousand leads per read and write, with the
    /// mappings as they are now.
    private static func move(
        _ moves: [StateMove], _ tenant: String, _ connection: PostgresConnection, _ database: PostgresDatabase
    ) async throws {
        let logger = database.logger
        let rows = try await PostgresLeadRows.locking(keys: [], tenant, connection, logger)
        let writer = DerivedStateWriter(rows: rows, mappings: try await mappings(tenant, connection, database))
        try await PostgresLeadRows.forEachWindow("true", tenant, connection, logger) { leads in
            for lead in leads {
                writer.adopt(lead)
                try writer.move(moves, in: lead)
            }
            try writer.finish()
            try await rows.flush(connection, logger)
        }
    }

    /// The tenant's mappings by field.
    static func mappings(_ tenant: String, _ connection: PostgresConnection, _ database: PostgresDatabase)
        async throws -> [String: Mapping]
    {
        let rows = try await connection.query(
            "SELECT field, property, write FROM mapping WHERE tenant = \(tenant)", logger: database.logger)
        var mappings: [String: Mapping] = [:]
        for try await (field, property, write) in rows.decode((String, String, String).self) {
            mappings[field] = Mapping(
                field: field, property: property, write: Mapping.WriteRule(rawValue: write) ?? .overwrite)
        }
        return mappings
    }

    private static func pushRules(_ tenant: String, _ connection: PostgresConnection, _ database: PostgresDatabase)
        async throws -> PushRules
    {
        let stored = try await settings(tenant, connection, database, only: nil)
        return PushRules(
            update: stored[.pushUpdate].map { $0 == "true" } ?? true,
            create: stored[.pushCreate].map { $0 == "true" } ?? true)
    }

    static func settings(
        _ tenant: String, _ connection: PostgresConnection, _ database: PostgresDatabase, only key: SettingKey?
    ) async throws -> [SettingKey: String] {
        let rows =
            if let key {
                try await connection.query(
                    "SELECT key, value FROM setting WHERE tenant = \(tenant) AND key = \(key.rawValue)",
                    logger: database.logger)
            } else {
                try await connection.query(
                    "SELECT key, value FROM setting WHERE tenant = \(tenant)", logger: database.logger)
            }
        var settings: [SettingKey: String] = [:]
        for try await (key, value) in rows.decode((String, String).self) { settings[SettingKey(rawValue: key)] = value }
        return settings
    }

    /// Stores the non-nil values and removes the nil ones, one statement each (set-based).
    static func set(
        _ values: [SettingKey: String?], _ tenant: String, _ connection: PostgresConnection,
        _ database: PostgresDatabase
    ) async throws {
        let stored = values.compactMap { key, value in value.map { (key.rawValue, $0) } }
        let removed = values.filter { $0.value == nil }.map(\.key.rawValue)
        if !stored.isEmpty {
            try await connection.query(
                """
                INSERT INTO setting (tenant, key, value)
                SELECT \(tenant), key, value FROM unnest(\(stored.map(\.0)), \(stored.map(\.1))) AS s(key, value)
                ON CONFLICT (tenant, key) DO UPDATE SET value = excluded.value
                """, logger: database.logger)
        }
        if !removed.isEmpty {
            try await connection.query(
                "DELETE FROM setting WHERE tenant = \(tenant) AND key = ANY(\(removed))", logger: database.logger)
        }
    }
}
