package import Logging

/// A PostgreSQL database that holds the journals of many tenants (one per HubSpot account).
///
/// `open` connects and brings the schema up to date (migrations are append-only, and workers
/// that start together apply each step once). Close the store when done: the connection is not
/// closed on release.
///
/// ```swift
/// let store = try await PostgresStore.open(PostgresStoreAddress(parsing: "postgres://leadsync@db/leadsync"))
/// defer { Task { await store.close() } }
/// ```
package final class PostgresStore: Sendable {
    package let address: PostgresStoreAddress
    /// True when this open created the schema (the database had none before).
    package let created: Bool
    let database: PostgresDatabase

    /// The schema version a fully migrated store has.
    package static var schemaVersion: Int { PostgresSchema.latestVersion }

    private init(address: PostgresStoreAddress, created: Bool, database: PostgresDatabase) {
        self.address = address
        self.created = created
        self.database = database
    }

    /// Connects to `address` and migrates its schema.
    package static func open(
        _ address: PostgresStoreAddress, logger: Logger = Logger(label: "leadsync.postgres")
    ) async throws(PostgresStoreError) -> PostgresStore {
        let database = try await PostgresDatabase.connect(address, logger: logger)
        do {
            let before = try await PostgresSchema.migrate(database)
            return PostgresStore(address: address, created: before == 0, database: database)
        } catch {
            await database.close()
            throw error
        }
    }

    /// The schema version the database holds now (another program may have migrated it further).
    package func schemaVersionOnDisk() async throws -> Int {
        try await database.transaction { connection in
            try await PostgresSchema.version(connection, logger: database.logger)
        }
    }

    /// Closes the connection; the store is unusable afterwards.
    package func close() async { await database.close() }
}
