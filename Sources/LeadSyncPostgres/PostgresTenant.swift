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

    /// The lease every write checks (nil: the tenant is not opened by a worker).
    package let lease: TenantLease?

    init(id: String, database: PostgresDatabase, lease: TenantLease? = nil) {
        self.id = id
        self.lease = lease
        changeLog = PostgresChangeLog(tenant: id, database: database, lease: lease)
        leads = PostgresLeadStore(tenant: id, database: database)
        ledger = PostgresDeliveryLedger(tenant: id, database: database, lease: lease)
        configuration = PostgresConfigurationStore(tenant: id, database: database, lease: lease)
        conversations = PostgresConversationStore(tenant: id, database: database, lease: lease)
    }
}

extension PostgresStore {
    /// The tenant `id`, created with the default mappings when the store has none of that id.
    /// - Throws: `PostgresStoreError` `.invalidTenant` for an empty id or one with control
    ///   characters; `.statement` when the server refuses.
    package func tenant(_ id: String) async throws -> PostgresTenant {
        guard !id.isEmpty, !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw PostgresStoreError(.invalidTenant, "a tenant id must be non-empty text without control characters")
        }
        try await database.statements("creating tenant \(id)") { connection in
            let created = try await connection.query(
                "INSERT INTO tenant (id) VALUES (\(id)) ON CONFLICT (id) DO NOTHING RETURNING id",
                logger: database.logger
            ).collect()
            guard !created.isEmpty else { return }
            try await connection.query("INSERT INTO lease (tenant) VALUES (\(id))", logger: database.logger)
            for mapping in Mapping.defaults {
                try await connection.query(
                    """
                    INSERT INTO mapping (tenant, field, property, write)
                    VALUES (\(id), \(mapping.field), \(mapping.property), \(mapping.write.rawValue))
                    """, logger: database.logger)
            }
        }
        return PostgresTenant(id: id, database: database)
    }

    /// The leased tenant, as the worker holding `lease` drains it: each of its writes is refused
    /// (`PostgresStoreError` `.leaseLost`) once the lease has expired or been taken over.
    package func tenant(_ lease: TenantLease) -> PostgresTenant {
        PostgresTenant(id: lease.tenant, database: database, lease: lease)
    }
}
