internal import Logging
internal import PostgresNIO

/// The PostgreSQL store's schema: an append-only list of migrations, like the SQLite journal's
/// (`JournalSchema`). Never edit a shipped step; add one. The applied steps are rows of
/// `leadsync_migration`; the version is their count.
enum PostgresSchema {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            name: "0001-tenant",
            statements: [
                // A tenant is one customer's account; every other table is keyed by it.
                """
                CREATE TABLE tenant (
                    id text PRIMARY KEY CHECK (id <> ''),
                    created_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]),
        Migration(
            name: "0002-tenant-configuration",
            statements: [
                // The tenant leads every key: a tenant's rows are one index range of each table.
                """
                CREATE TABLE mapping (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    field text NOT NULL,
                    property text NOT NULL,
                    write text NOT NULL,
                    PRIMARY KEY (tenant, field)
                )
                """,
                // `id` counts per tenant from 1 (what `rules pull list` shows, as a journal's do).
                """
                CREATE TABLE pull_rule (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    id bigint NOT NULL,
                    property text NOT NULL,
                    op text NOT NULL,
                    vals text[] NOT NULL,
                    PRIMARY KEY (tenant, id)
                )
                """,
                """
                CREATE TABLE setting (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    key text NOT NULL,
                    value text NOT NULL,
                    PRIMARY KEY (tenant, key)
                )
                """,
            ]),
        Migration(
            name: "0003-tenant-lead-state",
            statements: [
                // The tenant row counts its changes, leads and rejected entries (each numbered
                // from 1 per tenant, as a journal's are): a write locks it, so a tenant's writes
                // are serialized while other tenants' go on.
                """
                ALTER TABLE tenant
                    ADD COLUMN last_seq bigint NOT NULL DEFAULT 0,
                    ADD COLUMN last_lead_id bigint NOT NULL DEFAULT 0,
                    ADD COLUMN last_rejected_id bigint NOT NULL DEFAULT 0
                """,
                // The journal: keyed by (tenant, seq) only, so an append touches one index.
                """
                CREATE TABLE change (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    seq bigint NOT NULL,
                    lead text NOT NULL,
                    at bigint NOT NULL,
                    fields text NOT NULL,
                    origin smallint NOT NULL DEFAULT 0,
                    PRIMARY KEY (tenant, seq)
                )
                """,
                // One row per lead, `state` in the SQLite journal's blob format (decision 0015).
                """
                CREATE TABLE lead (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    id bigint NOT NULL,
                    key text NOT NULL,
                    remote_id text,
                    mark bigint NOT NULL DEFAULT 0,
                    pending_fields bigint NOT NULL DEFAULT 0,
                    pending_changes bigint NOT NULL DEFAULT 0,
                    state bytea NOT NULL,
                    PRIMARY KEY (tenant, id),
                    UNIQUE (tenant, key)
                )
                """,
                // A tenant's window reads are one range of a per-tenant partial index.
                "CREATE INDEX lead_pending ON lead (tenant, id) WHERE pending_fields > 0",
                "CREATE INDEX lead_remote ON lead (tenant, remote_id) WHERE remote_id IS NOT NULL",
                """
                CREATE TABLE field_seen (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    field text NOT NULL,
                    PRIMARY KEY (tenant, field)
                )
                """,
                // The counters `status` reads instead of scanning (the journal's `Counter`); a
                // missing row is 0.
                """
                CREATE TABLE counter (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    name text NOT NULL,
                    value bigint NOT NULL,
                    PRIMARY KEY (tenant, name)
                )
                """,
                // What the remote refused, per lead (`lead show` lists a lead's).
                """
                CREATE TABLE rejected (
                    tenant text NOT NULL,
                    id bigint NOT NULL,
                    lead_id bigint NOT NULL,
                    fields text NOT NULL,
                    category text NOT NULL,
                    message text NOT NULL,
                    at bigint NOT NULL,
                    source text NOT NULL,
                    PRIMARY KEY (tenant, id),
                    FOREIGN KEY (tenant, lead_id) REFERENCES lead (tenant, id) ON DELETE CASCADE
                )
                """,
                "CREATE INDEX rejected_lead ON rejected (tenant, lead_id)",
            ]),
        Migration(
            name: "0004-tenant-conversations",
            statements: [
                // The SQLite journal's `conversation` (ConversationTables), keyed by tenant. Ids
                // sort bytewise ("C"), as SQLite's do: the notes lane pages by id.
                """
                CREATE TABLE conversation (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    id text COLLATE "C" NOT NULL,
                    lead text NOT NULL,
                    messages bigint NOT NULL DEFAULT 0,
                    summary text,
                    summary_at bigint,
                    revision bigint NOT NULL DEFAULT 0,
                    delivered_revision bigint NOT NULL DEFAULT 0,
                    rejected_category text,
                    rejected_message text,
                    rejected_at bigint,
                    sealed_parts bigint NOT NULL DEFAULT 0,
                    PRIMARY KEY (tenant, id)
                )
                """,
                "CREATE INDEX conversation_lead ON conversation (tenant, lead)",
                """
                CREATE INDEX conversation_pending ON conversation (tenant, id)
                    WHERE revision > delivered_revision AND rejected_at IS NULL
                """,
                "CREATE INDEX conversation_rejected ON conversation (tenant, id) WHERE rejected_at IS NOT NULL",
                // Append order is `seq` (one sequence for all tenants: only its order matters).
                """
                CREATE TABLE conversation_message (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    seq bigint GENERATED ALWAYS AS IDENTITY,
                    conversation text COLLATE "C" NOT NULL,
                    message_id text,
                    at bigint NOT NULL,
                    speaker text NOT NULL,
                    text text NOT NULL,
                    PRIMARY KEY (tenant, seq)
                )
                """,
                "CREATE INDEX conversation_message_order ON conversation_message (tenant, conversation, at, seq)",
                """
                CREATE UNIQUE INDEX conversation_message_id ON conversation_message (tenant, conversation, message_id)
                    WHERE message_id IS NOT NULL
                """,
                """
                CREATE TABLE conversation_note (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    conversation text COLLATE "C" NOT NULL,
                    part bigint NOT NULL,
                    note_id text,
                    digest text,
                    intent_at bigint,
                    PRIMARY KEY (tenant, conversation, part)
                )
                """,
            ]),
        Migration(
            name: "0005-tenant-leases",
            statements: [
                // Fencing tokens (decision 0028): one sequence, so a later lease's is larger.
                "CREATE SEQUENCE lease_token",
                // One lease row per tenant; free when `expires_at` has passed (a released lease
                // expires at its release, so the tenants that waited longest are taken first).
                """
                CREATE TABLE lease (
                    tenant text PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
                    owner text,
                    token bigint NOT NULL DEFAULT 0,
                    expires_at timestamptz NOT NULL DEFAULT '-infinity',
                    heartbeat_at timestamptz
                )
                """,
                "CREATE INDEX lease_expiry ON lease (expires_at, tenant)",
                "INSERT INTO lease (tenant) SELECT id FROM tenant",
            ]),
        Migration(
            name: "0006-tenant-credentials",
            statements: [
                // One sealed document per tenant (decision 0027): AES-256-GCM under a key the
                // database never sees, so reading this table yields no token.
                """
                CREATE TABLE credential (
                    tenant text PRIMARY KEY REFERENCES tenant (id) ON DELETE CASCADE,
                    sealed bytea NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """
            ]),
        Migration(
            name: "0007-tenant-ingest-marks",
            statements: [
                // How far the tenant holds each ingested input (decision 0031), written in each
                // batch's transaction, so `ingest --input-id` resumes after the last batch kept.
                """
                CREATE TABLE ingest_mark (
                    tenant text NOT NULL REFERENCES tenant (id) ON DELETE CASCADE,
                    input text NOT NULL,
                    line bigint NOT NULL,
                    lines bigint NOT NULL,
                    lead text NOT NULL,
                    ingested_at bigint NOT NULL,
                    PRIMARY KEY (tenant, input)
                )
                """
            ]),
    ]

    static var latestVersion: Int { migrations.count }

    /// An arbitrary constant: the advisory lock that serializes migrators (workers that start
    /// together) so exactly one applies each step.
    private static let migrationLock: Int64 = 0x6c65_6164_7379_6e63

    /// Applies every step the database lacks, in one transaction; returns the version before.
    static func migrate(_ database: PostgresDatabase) async throws(PostgresStoreError) -> Int {
        do {
            return try await database.transaction { connection in
                let logger = database.logger
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLock))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS leadsync_migration (
                        version integer PRIMARY KEY,
                        name text NOT NULL UNIQUE,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                let before = try await version(connection, logger: logger)
                guard before <= latestVersion else {
                    throw PostgresStoreError(
                        .schema, "the store's schema version \(before) is newer than this program's \(latestVersion)")
                }
                for (index, migration) in migrations.enumerated().dropFirst(before) {
                    do {
                        for statement in migration.statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                    } catch {
                        throw PostgresStoreError(
                            .schema, "migration \(migration.name): \(PostgresDatabase.reason(error))")
                    }
                    try await connection.query(
                        "INSERT INTO leadsync_migration (version, name) VALUES (\(index + 1), \(migration.name))",
                        logger: logger)
                }
                return before
            }
        } catch let error as PostgresStoreError {
            throw error
        } catch {
            throw PostgresStoreError(.schema, "cannot migrate the store: \(PostgresDatabase.reason(error))")
        }
    }

    /// The number of applied steps.
    static func version(_ connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.query("SELECT count(*) FROM leadsync_migration", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
