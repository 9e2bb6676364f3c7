import LeadSyncTestKit
import Logging
import PostgresNIO
import Testing

@testable import LeadSyncPostgres

/// The store's migrations against a real server: from an empty database, again (nothing to do),
/// by several workers at once, and the refusal of a database newer than the program.
@Suite struct PostgresSchemaTests {
    @Test func anEmptyDatabaseIsMigratedToTheLatestVersionOnce() async throws {
        let address = try await StoreBackend.freshDatabase()
        let first = try await PostgresStore.open(address)
        #expect(first.created)
        #expect(try await first.schemaVersionOnDisk() == PostgresStore.schemaVersion)
        await first.close()

        let second = try await PostgresStore.open(address)
        #expect(!second.created)
        #expect(try await second.schemaVersionOnDisk() == PostgresStore.schemaVersion)
        await second.close()
    }

    @Test func workersStartingTogetherApplyEachStepOnce() async throws {
        let address = try await StoreBackend.freshDatabase()
        let created = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try await PostgresStore.open(address)
                    await store.close()
                    return store.created
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(created.filter { $0 }.count == 1)
        let store = try await PostgresStore.open(address)
        let names = try await store.database.transaction { connection in
            try await connection.query(
                "SELECT name FROM leadsync_migration ORDER BY version", logger: store.database.logger
            )
            .collect().map { try $0.decode(String.self) }
        }
        #expect(names == PostgresSchema.migrations.map(\.name))
        await store.close()
    }

    @Test func aDatabaseFromANewerProgramIsRefused() async throws {
        let address = try await StoreBackend.freshDatabase()
        let store = try await PostgresStore.open(address)
        let future = PostgresStore.schemaVersion + 1
        try await store.database.transaction { connection in
            try await connection.query(
                "INSERT INTO leadsync_migration (version, name) VALUES (\(future), 'from-the-future')",
                logger: store.database.logger)
        }
        await store.close()
        await #expect {
            _ = try await PostgresStore.open(address)
        } throws: { error in
            let error = error as? PostgresStoreError
            return error?.code == .schema && error?.message.contains("version \(future) is newer") == true
        }
    }

    @Test func anUnreachableServerIsNamedWithoutItsPassword() async throws {
        let address = try PostgresStoreAddress(parsing: "postgres://sync:hunter2@127.0.0.1:1/leads")
        await #expect {
            _ = try await PostgresStore.open(address)
        } throws: { error in
            let text = "\(error)"
            return (error as? PostgresStoreError)?.code == .unreachable
                && text.contains("postgres://sync:<redacted>@127.0.0.1:1/leads") && !text.contains("hunter2")
        }
    }
}
