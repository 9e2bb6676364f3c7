import Foundation
import LeadSyncTestKit

/// The built `leadsync` run against a journal of its own in a fresh temporary directory.
struct LeadsyncCLI {
    let directory: TemporaryDirectory
    let executable: BuiltExecutable
    /// The journal every run uses (passed as `LEADSYNC_DB` unless a test says otherwise).
    let db: String

    init() throws {
        directory = try TemporaryDirectory(prefix: "leadsync-e2e")
        executable = try BuiltExecutable.named("leadsync")
        db = directory.path("leads.db")
    }

    /// Runs `leadsync arguments…` with `LEADSYNC_DB` set to this journal (plus `environment`).
    func run(_ arguments: String..., environment: [String: String] = [:], stdin: String = "") throws -> ProcessResult {
        try run(arguments, environment: environment, stdin: Data(stdin.utf8))
    }

    func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data = Data()) throws -> ProcessResult {
        let base = ["LEADSYNC_DB": db, "LEADSYNC_SYNCHRONOUS": "normal", "LEADSYNC_TOKEN": ""]
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
