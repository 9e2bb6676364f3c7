package import LeadSyncJournal

/// One tenant (one customer's HubSpot account) of a PostgreSQL store: its stores see only its
/// rows. It is a journal to the engine (`JournalStores`, decision 0026): the same reconciler,
/// pull and notes lane drain it as they drain a SQLite journal.
package struct PostgresTenant: JournalStores {
    /// The tenant's id, as `--tenant` names it.
    package let id: String
    /// Appends (each folded as it is appended).
    package let changeLog: PostgresChangeLog
    /// Reads of lead state.
    package let leads: PostgresLeadStore
    /// The remote's answers and what it holds.
    package let ledger: PostgresDeliveryLedger
    /// Mappings, push rules, pull rules and settings.
    package let configuration: PostgresConfigurationStore
    /// Conversation messages and summaries, and the state of their notes.
    package let conversations: PostgresConversationStore
    let database: PostgresDatabase

    /// The lease every write checks (nil: the tenant is not opened by a worker).
    package let lease: TenantLease?

    init(id: String, database: PostgresDatabase, lease: TenantLease? = nil) {
        self.id = id
        self.database = database
        self.lease = lease
        changeLog = PostgresChangeLog(tenant: id, database: database, lease: lease)
        leads = PostgresLeadStore(tenant: id, database: database)
        ledger = PostgresDeliveryLedger(tenant: id, database: database, lease: lease)
        configuration = PostgresConfigurationStore(tenant: id, database: database, lease: lease)
        conversations = PostgresConversationStore(tenant: id, database: database, lease: lease)
    }
}

extension PostgresTenant {
    /// The tenant's HubSpot credentials, sealed with `key` (decision 0027). Without a key only
    /// ``PostgresCredentialStore/exists()`` answers; reads and writes fail naming the settings
    /// that give one.
    package func credentials(sealedWith key: CredentialsKey?) -> PostgresCredentialStore {
        PostgresCredentialStore(tenant: id, database: database, key: key, lease: lease)
    }
}

extension PostgresStore {
    /// The tenant `id` when the store has it; nil when it does not (nothing is created).
    package func existingTenant(_ id: String) async throws -> PostgresTenant? {
        let found = try await database.statements("looking up tenant \(id)") { connection in
            try await !connection.query("SELECT 1 FROM tenant WHERE id = \(id)", logger: database.logger).collect()
                .isEmpty
        }
        return found ? PostgresTenant(id: id, database: database) : nil
    }

    /// The tenant `id`, created with the default mappings when the store has none of that id.
    /// - Throws: `PostgresStoreError` `.invalidTenant` for an empty id or one with control
    ///   characters; `.statement` when the server refuses.
    package func tenant(_ id: String) async throws -> PostgresTenant {
        try await openTenant(id).tenant
    }

    /// The tenant `id`, and whether this call created it (with the default mappings).
    package func openTenant(_ id: String) async throws -> (tenant: PostgresTenant, created: Bool) {
        guard !id.isEmpty, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PostgresStoreError(.invalidTenant, "a tenant id must be non-empty text without control characters")
        }
        let created = try await database.statements("creating tenant \(id)") { connection in
            let created = try await connection.query(
                "INSERT INTO tenant (id) VALUES (\(id)) ON CONFLICT (id) DO NOTHING RETURNING id",
                logger: database.logger
            ).collect()
            guard !created.isEmpty else { return false }
            try await connection.query("INSERT INTO lease (tenant) VALUES (\(id))", logger: database.logger)
            for mapping in Mapping.defaults {
                try await connection.query(
                    """
                    INSERT INTO mapping (tenant, field, property, write)
                    VALUES (\(id), \(mapping.field), \(mapping.property), \(mapping.write.rawValue))
                    """, logger: database.logger)
            }
            return true
        }
        return (PostgresTenant(id: id, database: database), created)
    }

    /// The leased tenant, as the worker holding `lease` drains it: each of its writes is refused
    /// (`PostgresStoreError` `.leaseLost`) once the lease has expired or been taken over.
    package func tenant(_ lease: TenantLease) -> PostgresTenant {
        PostgresTenant(id: lease.tenant, database: database, lease: lease)
    }
}
