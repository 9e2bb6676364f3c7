internal import LeadSyncSQLite

/// The one write of an import from the remote (`leadsync pull`): a page of records journaled,
/// its leads linked, its base values stored and the import's own settings advanced together.
extension DeliveryLedger {
    /// Applies a page of pulled records and the import's settings in one transaction, then folds:
    /// each lead is created if new and linked to its record, its `changes` are journaled (origin
    /// remote, never pending; a field whose local value is pending by then keeps it), and its
    /// base values are stored. `settings` (nil removes a key) are written in the same
    /// transaction, so an import's cursor never claims a page that was not journaled.
    package func applyPulled(_ updates: [PulledUpdate], settings: [SettingKey: String?]) async throws {
        let window = database.options.foldWindow
        try await database.run { db in
            try db.write { db in
                let writer = try DerivedStateWriter(db)
                let changes = try updates.compactMap(writer.link)
                _ = try ChangeLog.append(changes, origin: .remote, db)
                for (key, value) in settings { try ConfigurationStore.setSetting(key, value, db) }
                try writer.finish()
            }
            _ = try ChangeLog.fold(db, window: window, limit: nil)
        }
    }
}
