import Foundation
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncTestKit
import Testing

/// The two implementations of the journal's stores, for suites that run the same cases on both.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The stores a case uses, of one journal or one tenant.
    struct Stores {
        var changeLog: any ChangeLogProtocol
        var leads: any LeadStoreProtocol
        var ledger: any DeliveryLedgerProtocol
        var configuration: any ConfigurationStoreProtocol
        var conversations: any ConversationStoreProtocol
    }

    /// Fresh stores of this kind (a new journal file; a new tenant of a new database), open for
    /// the body's length.
    func withStores(_ body: (Stores) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let dir = try TemporaryDirectory()
            let journal = try Journal(path: dir.path("journal.db"))
            try await body(
                Stores(
                    changeLog: journal.changeLog, leads: journal.leads, ledger: journal.ledger,
                    configuration: journal.configuration, conversations: journal.conversations))
        case .postgres:
            try await Self.withPostgresStore { store in
                try await body(Stores(try await store.tenant("acme")))
            }
        }
    }

    /// A fresh journal of this kind (a new journal file; a new tenant of a new database), as the
    /// engine sees it, open for the body's length.
    func withJournal(_ body: (any JournalStores) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let dir = try TemporaryDirectory()
            try await body(try Journal(path: dir.path("journal.db")))
        case .postgres:
            try await Self.withPostgresStore { store in try await body(try await store.tenant("acme")) }
        }
    }

    /// A fresh configuration store of this kind, open for the body's length.
    func withConfiguration(_ body: (any ConfigurationStoreProtocol) async throws -> Void) async throws {
        try await withStores { try await body($0.configuration) }
    }

    /// A store on a fresh database of the test server, closed after the body.
    static func withPostgresStore(_ body: (PostgresStore) async throws -> Void) async throws {
        let store = try await PostgresStore.open(freshDatabase())
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// The address of a new, empty database on the test server. `initdb` and `createdb` block
    /// for seconds, so they run on a thread of their own: not on one of the cooperative pool's
    /// few, and not on a GCD worker either, since waiting for a command's exit needs GCD's
    /// workers (with every worker blocked behind the server's start, nothing saw `pg_ctl` exit).
    static func freshDatabase() async throws -> PostgresStoreAddress {
        let url = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            Thread { continuation.resume(with: Result { try PostgresServer.shared().createDatabase() }) }.start()
        }
        return try PostgresStoreAddress(parsing: url)
    }
}

extension StoreBackend.Stores {
    /// The stores of a PostgreSQL tenant.
    init(_ tenant: PostgresTenant) {
        self.init(
            changeLog: tenant.changeLog, leads: tenant.leads, ledger: tenant.ledger,
            configuration: tenant.configuration,
            conversations: tenant.conversations)
    }
}
