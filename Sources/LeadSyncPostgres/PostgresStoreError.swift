/// Why a PostgreSQL store could not be opened or used.
package struct PostgresStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    package enum Code: String, Sendable {
        /// The `postgres://` address is malformed.
        case invalidAddress
        /// The server could not be reached or refused the login.
        case unreachable
        /// The database holds a schema newer than this program, or a migration failed.
        case schema
        /// A tenant id that cannot name a tenant.
        case invalidTenant
        /// The server refused or failed a statement.
        case statement
        /// A write of a leased tenant after its lease expired or was taken over (decision 0028).
        case leaseLost
        /// The credentials key is missing, unreadable, too open or not 32 bytes.
        case credentialsKey
        /// A tenant's stored credentials do not open with the key (another key, or an altered row).
        case credentials
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
