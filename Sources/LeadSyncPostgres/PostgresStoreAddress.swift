internal import Foundation
package import LeadSyncSupport

/// Where a PostgreSQL store lives: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`
/// (`postgresql://` too), as `--store` and `LEADSYNC_STORE` give it.
///
/// The password is a ``Secret``: the address's description shows everything but it. Connections
/// are plain TCP (`sslmode=disable`, the only mode accepted for now): use loopback, a private
/// network or a local TLS proxy.
package struct PostgresStoreAddress: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var user: String
    package var password: Secret?
    package var database: String

    package init(host: String, port: Int = 5432, user: String, password: Secret? = nil, database: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
    }

    /// Parses a `postgres://` URL; the error names the part that is wrong.
    package init(parsing text: String) throws(PostgresStoreError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw PostgresStoreError(
                .invalidAddress, "store address must look like postgres://USER@HOST:PORT/DATABASE")
        }
        guard let host = components.host, !host.isEmpty else {
            throw PostgresStoreError(.invalidAddress, "store address has no host (postgres://USER@HOST/DATABASE)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw PostgresStoreError(.invalidAddress, "store address has no user (postgres://USER@\(host)/DATABASE)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw PostgresStoreError(
                .invalidAddress,
                "store address must name one database after the host (postgres://\(user)@\(host)/DATABASE)")
        }
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", item.value == "disable" else {
                throw PostgresStoreError(
                    .invalidAddress,
                    "store address parameter \(item.name)=\(item.value ?? "") is not supported (only sslmode=disable)")
            }
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw PostgresStoreError(.invalidAddress, "store address port \(port) is out of range")
        }
        self.init(
            host: host, port: components.port ?? 5432, user: user,
            password: components.password.map { Secret($0.removingPercentEncoding ?? $0) }, database: database)
    }

    package var description: String {
        "postgres://\(user)\(password == nil ? "" : ":<redacted>")@\(host):\(port)/\(database)"
    }
}
