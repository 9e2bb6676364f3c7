import Foundation
import LeadSyncTestKit
import Testing

/// The built `leadsync` run against a journal of its own in a fresh temporary directory, or
/// against a tenant of a fresh database of the test's PostgreSQL server (``Store/postgres``).
struct LeadsyncCLI {
    /// Where a test's journal lives; acceptance tests run their cases on both.
    enum Store: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// The credentials key of every tenant test (a key file's contents would be the same text).
    static let credentialsKey = String(repeating: "5e", count: 32)

    let directory: TemporaryDirectory
    let executable: BuiltExecutable
    /// The journal every run uses (passed as `LEADSYNC_DB` unless a test says otherwise).
    let db: String
    /// For ``Store/postgres``: `LEADSYNC_STORE`, `LEADSYNC_TENANT` and the credentials key.
    let storeEnvironment: [String: String]

    /// A CLI on a journal file; on a tenant `acme` of a new database with `.postgres`, created by
    /// `leadsync init` (a tenant must exist before other commands use it).
    init(_ store: Store = .sqlite) throws {
        directory = try TemporaryDirectory(prefix: "leadsync-e2e")
        executable = try BuiltExecutable.named("leadsync")
        db = directory.path("leads.db")
        switch store {
        case .sqlite:
            storeEnvironment = [:]
        case .postgres:
            storeEnvironment = [
                "LEADSYNC_STORE": try PostgresServer.shared().createDatabase(), "LEADSYNC_TENANT": "acme",
                "LEADSYNC_CREDENTIALS_KEY": Self.credentialsKey,
            ]
            let created = try run("init")
            guard created.status == 0 else { throw TenantNotCreated(stderr: created.stderr) }
        }
    }

    struct TenantNotCreated: Error {
        let stderr: String
    }

    /// Runs `leadsync arguments…` with `LEADSYNC_DB` set to this journal (plus `environment`).
    func run(_ arguments: String..., environment: [String: String] = [:], stdin: String = "") throws -> ProcessResult {
        try run(arguments, environment: environment, stdin: Data(stdin.utf8))
    }

    func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data = Data()) throws -> ProcessResult {
        let base = ["LEADSYNC_DB": db, "LEADSYNC_SYNCHRONOUS": "normal", "LEADSYNC_TOKEN": ""]
            .merging(storeEnvironment) { _, store in store }
        return try executable.run(arguments, environment: base.merging(environment) { _, new in new }, stdin: stdin)
    }

    /// Runs a command with `--json` and parses its stdout as one JSON document.
    func json(_ arguments: String..., environment: [String: String] = [:], stdin: String = "") throws -> (
        ProcessResult, Any
    ) {
        let result = try run(arguments + ["--json"], environment: environment, stdin: Data(stdin.utf8))
        let document = try JSONSerialization.jsonObject(with: result.stdout, options: [.fragmentsAllowed])
        return (result, document)
    }
}
