internal import LeadSyncSQLite

/// The journal's schema: an append-only list of migrations. Never edit a shipped step; add one.
enum JournalSchema {
    static let migrator: Migrator = {
        var migrator = Migrator()
        migrator.register("0001-journal") { db in
            // `change` is the journal: keyed by its rowid (= seq) only. No secondary index, so an
            // append touches one B-tree (performance-facts.md: an index on the lead key cost 27×).
            try db.execute(
                """
                CREATE TABLE change (
                    seq INTEGER PRIMARY KEY,
                    lead TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    fields TEXT NOT NULL,
                    origin INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE lead (
                    id INTEGER PRIMARY KEY,
                    key TEXT NOT NULL UNIQUE,
                    remote_id TEXT,
                    mark INTEGER NOT NULL DEFAULT 0,
                    pending_fields INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX lead_pending ON lead(id) WHERE pending_fields > 0;
                CREATE INDEX lead_remote ON lead(remote_id) WHERE remote_id IS NOT NULL;
                CREATE TABLE lead_field (
                    lead_id INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    value TEXT NOT NULL,
                    seq INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    state INTEGER NOT NULL,
                    PRIMARY KEY (lead_id, field)
                ) WITHOUT ROWID;
                CREATE TABLE pending_change (seq INTEGER PRIMARY KEY, refs INTEGER NOT NULL);
                CREATE TABLE base_value (
                    lead_id INTEGER NOT NULL,
                    property TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (lead_id, property)
                ) WITHOUT ROWID;
                CREATE TABLE field_seen (field TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE rejected (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    lead_id INTEGER NOT NULL,
                    fields TEXT NOT NULL,
                    category TEXT NOT NULL,
                    message TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    source TEXT NOT NULL
                );
                CREATE INDEX rejected_lead ON rejected(lead_id);
                CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                CREATE TABLE mapping (
                    field TEXT PRIMARY KEY,
                    property TEXT NOT NULL UNIQUE,
                    write TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE pull_rule (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    property TEXT NOT NULL,
                    op TEXT NOT NULL,
                    vals TEXT NOT NULL
                );
                """)
            for counter in Counter.allCases {
                try db.cached("INSERT INTO counter(name, value) VALUES (?, 0)").execute([.text(counter.rawValue)])
            }
            for mapping in Mapping.defaults {
                try db.cached("INSERT INTO mapping(field, property, write) VALUES (?, ?, ?)")
                    .execute([.text(mapping.field), .text(mapping.property), .text(mapping.write.rawValue)])
            }
        }
        migrator.register("0002-lead-state-in-one-row") { db in
            // Each lead's fields, base values and distinct pending seqs move into its own row
            // (decision 0015): the fold and the sync read and write one row per lead.
            try db.execute(
                """
                ALTER TABLE lead ADD COLUMN pending_changes INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE lead ADD COLUMN state BLOB NOT NULL DEFAULT x'';
                """)
            let fields = try db.prepare("SELECT lead_id, field, value, seq, at, state FROM lead_field ORDER BY lead_id")
            let bases = try db.prepare("SELECT lead_id, property, value FROM base_value ORDER BY lead_id")
            let write = try db.prepare("UPDATE lead SET pending_changes = ?, state = ? WHERE id = ?")
            var hasField = try fields.step()
            var hasBase = try bases.step()
            while hasField || hasBase {
                let id = min(hasField ? fields.int64(0) : .max, hasBase ? bases.int64(0) : .max)
                var lead = StoredLead(id: id, key: "")
                while hasField, fields.int64(0) == id {
                    lead.setField(
                        fields.text(1),
                        .init(
                            value: fields.text(2), seq: fields.int64(3), at: fields.int64(4),
                            state: DeliveryState(rawValue: fields.int64(5)) ?? .unmapped))
                    hasField = try fields.step()
                }
                while hasBase, bases.int64(0) == id {
                    lead.setBaseValue(bases.text(1), bases.text(2))
                    hasBase = try bases.step()
                }
                try write.bind(1, lead.pendingCounts.changes)
                try write.bind(2, blob: lead.stateBlob)
                try write.bind(3, id)
                _ = try write.step()
                write.reset()
            }
            fields.reset()
            bases.reset()
            try db.execute("DROP TABLE lead_field; DROP TABLE pending_change; DROP TABLE base_value;")
        }
        migrator.register("0003-conversations", ConversationTables.migrate)
        migrator.register("0004-ingest-marks", IngestMark.migrate)
        migrator.register("0005-sealed-conversation-parts", ConversationTables.migrateSealedParts)
        migrator.register("0006-lead-order-fold", LeadOrderFold.migrate)
        return migrator
    }()
}

/// The counters kept beside the journal so `status` never scans it.
package enum Counter: String, CaseIterable, Sendable {
    case pendingChanges = "pending_changes"
    case pendingLeads = "pending_leads"
    case awaitingIdentity = "awaiting_identity"
    case unmatched
    case rejected
    case skipped
    /// Changes removed by compaction: `journal_entries` is the last seq less this.
    case removedChanges = "removed_changes"
    /// The last seq folded into derived state.
    case foldedSeq = "folded_seq"
}

extension Counter {
    /// The counter's stored value.
    func value(_ db: Connection) throws -> Int64 {
        try db.scalar("SELECT value FROM counter WHERE name = ?", [.text(rawValue)]) ?? 0
    }

    func set(_ value: Int64, _ db: Connection) throws {
        try db.cached("UPDATE counter SET value = ? WHERE name = ?").execute([.integer(value), .text(rawValue)])
    }
}
