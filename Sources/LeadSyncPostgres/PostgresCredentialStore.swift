package import Foundation
package import LeadSyncSupport
internal import PostgresNIO

/// A tenant's credentials, sealed with AES-256-GCM under the store's ``CredentialsKey`` before they
/// reach the server (decision 0027): a database user who reads the tables, the `credential` table
/// included, or a backup of them, learns nothing of the tokens or the client secret. The tenant's
/// id is authenticated with each row, so a row copied to another tenant does not open either.
///
/// The engine keeps its document here as it keeps it in a journal's credentials file
/// (`CredentialStore`), so `connect` stores a tenant's tokens here and a token refresh saves the
/// new ones back. A leased tenant's writes are fenced like its other stores' (decision 0028).
package struct PostgresCredentialStore: CredentialStore {
    let tenant: String
    let database: PostgresDatabase
    let key: CredentialsKey?
    let lease: TenantLease?

    package var location: String { "the credentials of tenant \(tenant)" }

    /// Whether credentials are stored, without opening them (no key needed): what `status` shows.
    package func exists() async throws -> Bool {
        try await database.statements("reading \(location)") { connection in
            let rows = try await connection.query(
                "SELECT count(*) FROM credential WHERE tenant = \(tenant)", logger: database.logger)
            for try await count in rows.decode(Int.self) { return count > 0 }
            return false
        }
    }

    package func loadDocument() async throws -> Data? {
        let sealed = try await database.statements("reading \(location)") { connection -> ByteBuffer? in
            let rows = try await connection.query(
                "SELECT sealed FROM credential WHERE tenant = \(tenant)", logger: database.logger)
            for try await sealed in rows.decode(ByteBuffer.self) { return sealed }
            return nil
        }
        guard let sealed else { return nil }
        let key = try requiredKey()
        do {
            return try CredentialCipher.open(Data(sealed.readableBytesView), key: key, context: context)
        } catch CredentialCipher.Failure.notAuthentic {
            throw PostgresStoreError(
                .credentials,
                "\(location) cannot be decrypted with \(key): they were stored under another key, or the row was altered"
            )
        } catch {
            throw PostgresStoreError(.credentials, "\(location) are not a sealed credentials document (\(error))")
        }
    }

    package func saveDocument(_ document: Data) async throws {
        let sealed = try CredentialCipher.seal(document, key: try requiredKey(), context: context)
        try await database.writes("storing \(location)", lease: lease) { connection in
            try await connection.query(
                """
                INSERT INTO credential (tenant, sealed) VALUES (\(tenant), \(ByteBuffer(bytes: sealed)))
                ON CONFLICT (tenant) DO UPDATE SET sealed = excluded.sealed, updated_at = now()
                """, logger: database.logger)
        }
    }

    package func deleteDocument() async throws {
        try await database.writes("forgetting \(location)", lease: lease) { connection in
            try await connection.query("DELETE FROM credential WHERE tenant = \(tenant)", logger: database.logger)
        }
    }

    /// What each row is bound to besides the key.
    private var context: Data { Data("leadsync tenant credentials\u{0}\(tenant)".utf8) }

    private func requiredKey() throws(PostgresStoreError) -> CredentialsKey {
        guard let key else {
            throw PostgresStoreError(
                .credentialsKey,
                "\(location) are kept encrypted: set LEADSYNC_CREDENTIALS_KEY_FILE (or LEADSYNC_CREDENTIALS_KEY) to the store's credentials key"
            )
        }
        return key
    }
}
