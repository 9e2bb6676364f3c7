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

    init(id: String, database: PostgresDatabase) {
        self.id = id
        changeLog = PostgresChangeLog(tenant: id, database: database)
        leads = PostgresLeadStore(tenant: id, database: database)
        ledger = PostgresDeliveryLedger(tenant: id, database: database)
        configuration = PostgresConfigurationStore(tenant: id, database: database)
        conversations = PostgresConversationStore(tenant: id, database: database)
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
}
