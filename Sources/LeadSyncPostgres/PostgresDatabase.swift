internal import LeadSyncJournal
internal import Logging
internal import PostgresNIO

/// The one executor behind a store's statements: one connection, and transactions that run one
/// after another on it in the order they were asked for (PostgreSQL has one transaction per
/// connection, so two tasks must never interleave their statements on it).
final class PostgresDatabase: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    private let gate = SerialGate()

    private init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Connects to `address`; the error names the address (without its password) and the cause.
    static func connect(_ address: PostgresStoreAddress, logger: Logger) async throws(PostgresStoreError)
        -> PostgresDatabase
    {
        let configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.user, password: address.password?.revealed,
            database: address.database, tls: .disable)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
            return PostgresDatabase(connection: connection, logger: logger)
        } catch {
            throw PostgresStoreError(.unreachable, "cannot connect to \(address): \(Self.reason(error))")
        }
    }

    /// Runs `body` inside `BEGIN … COMMIT` (rolled back when it throws), after every transaction
    /// asked for before it.
    func transaction<T>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        await gate.enter()
        do {
            try await connection.query("BEGIN", logger: logger)
            let value: T
            do {
                value = try await body(connection)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
            try await connection.query("COMMIT", logger: logger)
            await gate.leave()
            return value
        } catch {
            await gate.leave()
            throw error
        }
    }

    /// Runs a store's statements in one transaction: the journal's own errors (a refused mapping,
    /// an unknown rule) pass through; the server's become `PostgresStoreError` `.statement`,
    /// naming `what` was being done.
    func statements<T>(_ what: @autoclosure () -> String, _ body: (PostgresConnection) async throws -> T)
        async throws -> T
    {
        do {
            return try await transaction(body)
        } catch let error as JournalError {
            throw error
        } catch let error as PostgresStoreError {
            throw error
        } catch {
            throw PostgresStoreError(.statement, "\(what()): \(Self.reason(error))")
        }
    }

    /// Runs a tenant's write like ``statements(_:_:)``, refused first unless `lease` (when the
    /// tenant was opened with one) is still current (decision 0028).
    func writes<T>(
        _ what: @autoclosure () -> String, lease: TenantLease?, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await statements(what()) { connection in
            try await lease?.check(connection, logger)
            return try await body(connection)
        }
    }

    func close() async {
        try? await connection.close()
    }

    /// What the server said, without the statement's bound values: `PSQLError`'s own description
    /// hides everything on purpose.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            return message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return "\(error.code)"
    }
}

/// A first-come, first-served lock for tasks: `enter` suspends until every earlier holder left.
private actor SerialGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
