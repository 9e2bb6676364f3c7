internal import LeadSyncSQLite
internal import LeadSyncSupport

/// The journal's configuration: mappings, push rules, pull rules and settings.
package struct ConfigurationStore: Sendable {
    let database: JournalDatabase

    // MARK: Mappings

    /// Every mapping, ordered by field.
    package func mappings() async throws -> [Mapping] {
        try await database.run { db in try DerivedStateWriter(db).mappings.values.sorted { $0.field < $1.field } }
    }

    /// Adds or changes the mapping of `mapping.field`.
    ///
    /// Each property is the target of at most one field: a mapping of another field to the same
    /// property is replaced, and its pending values become local only. Unless only the write rule
    /// changed, every lead's current value of the field becomes pending for the new property.
    ///
    /// - Returns: the mapping that was replaced because it targeted the same property, if any.
    /// - Throws: `JournalError.invalidMapping` for empty names, or when the change would leave
    ///   no field mapped to the identity property.
    @discardableResult
    package func setMapping(_ mapping: Mapping) async throws -> Mapping? {
        try await database.run { db in
            try db.write { db -> Mapping? in
                guard
                    case .newProperty(let replaced) = try Mapping.change(
                        setting: mapping, over: DerivedStateWriter(db).mappings)
                else {
                    try Self.upsertMapping(mapping, db)
                    return nil
                }
                if let replaced {
                    try db.cached("DELETE FROM mapping WHERE field = ?").execute([.text(replaced.field)])
                }
                try Self.upsertMapping(mapping, db)
                let writer = try DerivedStateWriter(db)
                let moves = StateMove.setting(mapping, replacing: replaced)
                try writer.forEachLead(db) { try writer.move(moves, in: $0) }
                return replaced
            }
        }
    }

    /// Removes the mapping of `field`; its pending values become local only.
    ///
    /// - Returns: false when the field had no mapping.
    /// - Throws: `JournalError.invalidMapping` for the field mapped to the identity property.
    @discardableResult
    package func removeMapping(field: String) async throws -> Bool {
        try await database.run { db in
            try db.write { db -> Bool in
                guard let mapping = try DerivedStateWriter(db).mappings[field] else { return false }
                try Mapping.checkRemoval(of: mapping)
                try db.cached("DELETE FROM mapping WHERE field = ?").execute([.text(field)])
                let writer = try DerivedStateWriter(db)
                try writer.forEachLead(db) { try writer.move([.removing(field)], in: $0) }
                return true
            }
        }
    }

    private static func upsertMapping(_ mapping: Mapping, _ db: Connection) throws {
        try db.cached(
            "INSERT INTO mapping(field, property, write) VALUES (?, ?, ?) ON CONFLICT(field) DO UPDATE SET property = excluded.property, write = excluded.write"
        ).execute([.text(mapping.field), .text(mapping.property), .text(mapping.write.rawValue)])
    }

    // MARK: Push rules

    /// The push rules (default: update on, create on).
    package func pushRules() async throws -> PushRules {
        try await database.run { db in try Self.pushRules(db) }
    }

    /// Changes the push rules; nil leaves a rule as it is.
    ///
    /// Turning update off also turns create off (`createTurnedOff` says when that happened).
    /// - Throws: `JournalError.invalidRule` when create would be on while update is off.
    package func setPushRules(update: Bool?, create: Bool?) async throws -> (rules: PushRules, createTurnedOff: Bool) {
        try await database.run { db in
            try db.write { db in
                let (rules, turnedOff) = try Self.pushRules(db).changed(update: update, create: create)
                try Self.setSetting(.pushUpdate, String(rules.update), db)
                try Self.setSetting(.pushCreate, String(rules.create), db)
                return (rules, turnedOff)
            }
        }
    }

    static func pushRules(_ db: Connection) throws -> PushRules {
        PushRules(
            update: try setting(.pushUpdate, db).map { $0 == "true" } ?? true,
            create: try setting(.pushCreate, db).map { $0 == "true" } ?? true)
    }

    // MARK: Pull rules

    /// Pull rules in the order they were added.
    package func pullRules() async throws -> [PullRule] {
        try await database.run { db in
            let select = try db.cached("SELECT id, property, op, vals FROM pull_rule ORDER BY id")
            defer { select.reset() }
            var rules: [PullRule] = []
            while try select.step() {
                let values: [String]
                if case .array(let items) = try JSONParser.parse(select.text(3)) {
                    values = items.compactMap { if case .string(let s) = $0 { s } else { nil } }
                } else {
                    values = []
                }
                rules.append(
                    PullRule(
                        id: String(select.int64(0)), property: select.text(1),
                        op: PullRule.Operator(rawValue: select.text(2)) ?? .eq, values: values))
            }
            return rules
        }
    }

    /// Adds a pull rule and returns it with its id.
    /// - Throws: `JournalError.invalidRule` when the values do not suit the operator.
    @discardableResult
    package func addPullRule(property: String, op: PullRule.Operator, values: [String]) async throws -> PullRule {
        try PullRule.validate(property: property, op: op, values: values)
        return try await database.run { db in
            let encoded = "[" + values.map(FieldsCodec.quoted).joined(separator: ",") + "]"
            try db.cached("INSERT INTO pull_rule(property, op, vals) VALUES (?, ?, ?)")
                .execute([.text(property), .text(op.rawValue), .text(encoded)])
            return PullRule(id: String(db.lastInsertRowID), property: property, op: op, values: values)
        }
    }

    /// Removes a pull rule.
    /// - Throws: `JournalError.unknownPullRule` when no rule has that id.
    package func removePullRule(id: String) async throws {
        try await database.run { db in
            guard let number = Int64(id) else { throw JournalError(.unknownPullRule, "no pull rule with id \(id)") }
            try db.cached("DELETE FROM pull_rule WHERE id = ?").execute([.integer(number)])
            guard db.changes > 0 else { throw JournalError(.unknownPullRule, "no pull rule with id \(id)") }
        }
    }

    // MARK: Settings

    /// A stored setting, or nil.
    package func setting(_ key: SettingKey) async throws -> String? {
        try await database.run { db in try Self.setting(key, db) }
    }

    /// Stores (or, with nil, removes) settings in one transaction.
    package func setSettings(_ values: [SettingKey: String?]) async throws {
        try await database.run { db in
            try db.write { db in
                for (key, value) in values { try Self.setSetting(key, value, db) }
            }
        }
    }

    /// Stores (or, with nil, removes) a setting.
    package func setSetting(_ key: SettingKey, _ value: String?) async throws {
        try await database.run { db in try Self.setSetting(key, value, db) }
    }

    /// Every stored setting.
    package func settings() async throws -> [SettingKey: String] {
        try await database.run { db in
            let select = try db.cached("SELECT key, value FROM setting ORDER BY key")
            defer { select.reset() }
            var settings: [SettingKey: String] = [:]
            while try select.step() { settings[SettingKey(rawValue: select.text(0))] = select.text(1) }
            return settings
        }
    }

    static func setting(_ key: SettingKey, _ db: Connection) throws -> String? {
        try db.scalarText("SELECT value FROM setting WHERE key = ?", [.text(key.rawValue)])
    }

    static func setSetting(_ key: SettingKey, _ value: String?, _ db: Connection) throws {
        if let value {
            try db.cached(
                "INSERT INTO setting(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
            )
            .execute([.text(key.rawValue), .text(value)])
        } else {
            try db.cached("DELETE FROM setting WHERE key = ?").execute([.text(key.rawValue)])
        }
    }
}
