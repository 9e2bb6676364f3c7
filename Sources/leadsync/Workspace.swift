import Foundation
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncPostgres
import LeadSyncSupport

/// The journal a command works on: the SQLite file `--db` names, or one tenant of the PostgreSQL
/// store `--store` names (`--tenant`). Commands that work on both reach it through the journal's
/// store protocols; the rest take a SQLite ``Journal`` (`GlobalOptions.openJournal()`), which
/// refuses `--store`.
struct Workspace: Sendable {
    enum Kind: Sendable {
        case file(Journal, credentials: CredentialsFile)
        /// `key`: the store's credentials key (nil when none is configured).
        case tenant(PostgresTenant, store: PostgresStore, key: CredentialsKey?)
    }

    let kind: Kind
    /// True when this open created the journal or the tenant (`init` says so).
    let created: Bool

    /// Where the credentials `connect` stores live: the file beside the journal, or the tenant's
    /// encrypted row.
    var credentials: any CredentialStore {
        switch kind {
        case .file(_, let credentials): credentials
        case .tenant(let tenant, _, let key): tenant.credentials(sealedWith: key)
        }
    }

    /// Every store, for the engine's services (`connect`, `disconnect`).
    var stores: any JournalStores {
        switch kind {
        case .file(let journal, _): journal
        case .tenant(let tenant, _, _): tenant
        }
    }

    var configuration: any ConfigurationStoreProtocol { stores.configuration }

    var leads: any LeadStoreProtocol { stores.leads }

    var changeLog: any ChangeLogProtocol { stores.changeLog }

    var ledger: any DeliveryLedgerProtocol { stores.ledger }

    var conversations: any ConversationStoreProtocol { stores.conversations }

    /// Whether credentials are stored, without opening them (a tenant's need no key for this).
    func hasCredentials() async throws -> Bool {
        switch kind {
        case .file(_, let credentials): credentials.exists
        case .tenant(let tenant, _, let key): try await tenant.credentials(sealedWith: key).exists()
        }
    }

    /// The schema version of the journal file or of the store.
    func schemaVersion() async throws -> Int {
        switch kind {
        case .file(let journal, _): try await journal.maintenance.schemaVersionOnDisk()
        case .tenant(_, let store, _): try await store.schemaVersionOnDisk()
        }
    }

    /// What `init` and messages call it: the journal's path, or the tenant and its store.
    var name: String {
        switch kind {
        case .file(let journal, _): "journal \(journal.path)"
        case .tenant(let tenant, let store, _): "tenant \(tenant.id) of \(store.address)"
        }
    }

    /// Closes a tenant's connection; a journal closes when released.
    func close() async {
        if case .tenant(_, let store, _) = kind { await store.close() }
    }
}

extension GlobalOptions {
    /// `--store` from flag, env or config file, parsed, with the setting that gave it; nil when
    /// none was given.
    func storeAddress() throws -> (address: PostgresStoreAddress, source: String)? {
        guard let found = try lookup(store, env: "LEADSYNC_STORE", key: "store") else { return nil }
        do {
            return (try PostgresStoreAddress(parsing: found.value), found.source)
        } catch {
            throw CommandError(.usage, "\(found.source): \(error.message)")
        }
    }

    /// Runs `body` on the command's workspace and closes it after: a tenant of `--store` when one
    /// is given, else the journal `--db` names (opened to change it, or to read it when `reading`).
    /// `createTenant`: `init` creates the tenant; every other command exits 2 when it is missing.
    /// `cacheKiB`: the journal's page cache, as ``openJournal(cacheKiB:)`` takes it.
    func withWorkspace<T: Sendable>(
        reading: Bool = false, createTenant: Bool = false, cacheKiB: Int? = nil, _ body: (Workspace) async throws -> T
    ) async throws -> T {
        let workspace = try await openWorkspace(reading: reading, createTenant: createTenant, cacheKiB: cacheKiB)
        do {
            let value = try await body(workspace)
            await workspace.close()
            return value
        } catch {
            await workspace.close()
            throw error
        }
    }

    /// The workspace of ``withWorkspace(reading:createTenant:cacheKiB:_:)``; the caller closes it.
    func openWorkspace(reading: Bool = false, createTenant: Bool = false, cacheKiB: Int? = nil) async throws
        -> Workspace
    {
        guard let (address, source) = try storeAddress() else {
            let journal = reading ? try openJournalForReading() : try openJournal(cacheKiB: cacheKiB)
            return Workspace(
                kind: .file(journal, credentials: CredentialsFile(path: try credentialsPath())),
                created: journal.created)
        }
        try validateAll()
        guard let id = try lookup(tenant, env: "LEADSYNC_TENANT", key: "tenant")?.value else {
            throw CommandError(.usage, "--store needs --tenant (or LEADSYNC_TENANT): the tenant to work on")
        }
        let key: CredentialsKey?
        do {
            key = try CredentialsKey.fromEnvironment(environment)
        } catch {
            throw CommandError(.usage, error.message)
        }
        let logger = try logger("leadsync.postgres")
        let store: PostgresStore
        do {
            store = try await PostgresStore.open(address, logger: logger)
        } catch {
            throw CommandError(.usage, "\(source): \(error.message)")
        }
        do {
            let opened: (tenant: PostgresTenant, created: Bool)?
            if createTenant {
                opened = try await store.openTenant(id)
            } else {
                opened = try await store.existingTenant(id).map { ($0, false) }
            }
            guard let (tenant, created) = opened else {
                throw CommandError(
                    .usage,
                    "--tenant: the store \(address) has no tenant \(id); create it with `leadsync init --store … --tenant \(id)`"
                )
            }
            return Workspace(kind: .tenant(tenant, store: store, key: key), created: created)
        } catch let error as PostgresStoreError where error.code == .invalidTenant {
            await store.close()
            throw CommandError(.usage, "--tenant: \(error.message)")
        } catch {
            await store.close()
            throw error
        }
    }
}

extension PostgresStoreError {
    /// True for what the operator must fix in the settings (exit 2): the address, the tenant, the
    /// credentials key, or credentials sealed under another key.
    var isConfiguration: Bool {
        switch code {
        case .invalidAddress, .unreachable, .invalidTenant, .credentialsKey, .credentials: true
        case .schema, .statement, .leaseLost: false
        }
    }
}
