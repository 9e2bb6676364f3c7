import ArgumentParser
import Foundation
import LeadSyncCLISupport
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport

/// The options every command accepts, before or after the command name.
///
/// Each value is resolved as cli-contract.md says: flag, then environment variable, then the
/// config file (`--config` / `LEADSYNC_CONFIG`, a JSON object keyed by the flag names with `_`
/// for `-`), then the journal's stored settings (connection settings), then the default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The journal file (env LEADSYNC_DB).")
    var db: String?

    @Option(name: .customLong("hubspot-url"), help: "Base URL of the HubSpot API (env LEADSYNC_HUBSPOT_URL).")
    var hubspotURL: String?

    @Option(
        name: .customLong("hubspot-auth-url"),
        help: "Where the OAuth consent page lives (env LEADSYNC_HUBSPOT_AUTH_URL).")
    var hubspotAuthURL: String?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning or error (env LEADSYNC_LOG_LEVEL).")
    var logLevel: String?

    // `.unconditional`: `--daily-limit -5` takes `-5` as its value (and is refused as not
    // positive) instead of reading it as an unknown flag and saying the value is missing.
    @Option(
        name: .customLong("rate-limit"), parsing: .unconditional,
        help: "Requests per 10 seconds, as N/10s (env LEADSYNC_RATE_LIMIT).")
    var rateLimit: String?

    @Option(
        name: .customLong("daily-limit"), parsing: .unconditional, help: "Requests per day (env LEADSYNC_DAILY_LIMIT).")
    var dailyLimit: String?

    @Option(
        name: .customLong("rate-share"), parsing: .unconditional,
        help: "Share (0-1] of the account's 10-second limit this journal's processes may use (env LEADSYNC_RATE_SHARE)."
    )
    var rateShare: String?

    @Option(name: .customLong("config"), help: "A JSON config file (env LEADSYNC_CONFIG).")
    var config: String?

    @Option(
        name: .customLong("store"),
        help:
            "A PostgreSQL store, postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, instead of --db (env LEADSYNC_STORE)."
    )
    var store: String?

    @Option(name: .customLong("tenant"), help: "The tenant of --store to work on (env LEADSYNC_TENANT).")
    var tenant: String?

    /// The long names of the options above, which all take a value.
    static let names: Set<String> = [
        "--db", "--hubspot-url", "--hubspot-auth-url", "--log-level", "--rate-limit", "--daily-limit", "--rate-share",
        "--config", "--store", "--tenant",
    ]

    /// Moves global options given before the command name to the end of the arguments, where
    /// every subcommand's `@OptionGroup` parses them: `leadsync --db X status` becomes
    /// `leadsync status --db X`.
    static func movedAfterCommand(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            guard names.contains(name) else { break }
            leading.append(argument)
            if !argument.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        guard !leading.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        let end = rest.firstIndex(of: "--") ?? rest.endIndex
        rest.insert(contentsOf: leading, at: end)
        return rest
    }

    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error"]
    static let defaultHubSpotURL = "https://api.hubapi.com"
    static let defaultAuthURL = "https://app.hubspot.com/oauth/authorize"

    /// The process environment; a parameter so tests can resolve with their own.
    var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// A value from flag, environment or config file, in that order, with where it came from.
    func lookup(_ flag: String?, env: String, key: String) throws -> (value: String, source: String)? {
        if let flag { return (flag, "--\(key.replacingOccurrences(of: "_", with: "-"))") }
        if let value = environment[env], !value.isEmpty { return (value, env) }
        if let value = try configFile()[key] { return (value, "config file key \(key)") }
        return nil
    }

    /// The config file's entries, or none when no config file is given.
    func configFile() throws -> [String: String] {
        guard let path = config ?? environment["LEADSYNC_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandError(.usage, "--config: cannot read \(path)")
        }
        let parsed: JSONValue
        do {
            parsed = try data.withUnsafeBytes { raw throws(JSONParser.ParseError) in
                try JSONParser.parse(raw.bindMemory(to: UInt8.self))
            }
        } catch {
            throw CommandError(.usage, "--config: \(path) is not valid JSON: \(error)")
        }
        guard case .object(let members) = parsed else {
            throw CommandError(.usage, "--config: \(path) must hold a JSON object")
        }
        var values: [String: String] = [:]
        for member in members {
            switch member.value {
            case .string(let s), .number(let s): values[member.key] = s
            default: throw CommandError(.usage, "--config: key \(member.key) in \(path) must be a string or number")
            }
        }
        return values
    }

    /// The journal path: `--db`, `LEADSYNC_DB`, config `db`, else the XDG data directory.
    func databasePath() throws -> String {
        if let found = try lookup(db, env: "LEADSYNC_DB", key: "db") { return found.value }
        // $HOME first: NSHomeDirectory() reads the password database on Linux and ignores it.
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let dataHome =
            environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (home as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("leadsync/leadsync.db")
    }

    /// Where stored credentials live: `LEADSYNC_CREDENTIALS`, else `<journal>.credentials` beside
    /// the journal's canonical path.
    func credentialsPath() throws -> String {
        CredentialsFile(journalPath: try databasePath(), environment: environment).path
    }

    /// Opens (creating when needed) the journal to change it, making its directory first. A
    /// journal that cannot be written is refused here, naming the file and why, before the
    /// command does anything (a sync sends nothing it could not record). `cacheKiB`: SQLite's
    /// page cache, when the command needs other than `JournalOptions`' default.
    func openJournal(cacheKiB: Int? = nil) throws -> Journal {
        try validateAll()
        try refuseStore()
        let path = try databasePath()
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw CommandError(
                    .failure, "cannot create the journal's directory \(directory): \(error.localizedDescription)")
            }
        }
        try Self.createPrivately(path)
        let journal = try openJournal(at: path, cacheKiB: cacheKiB)
        guard !journal.isReadOnly else {
            throw CommandError(
                .failure,
                "cannot write the journal \(path): \(JournalFileProblem.describe(path) ?? "SQLite opened it read-only")"
            )
        }
        return journal
    }

    /// Opens the journal to read it (`status`, `lead show`, `journal check`, `journal backup`):
    /// when it cannot be written — a read-only file, directory or mount, a full disk — it is
    /// opened read-only, and reads answer without folding what was appended since the last fold
    /// (`unfolded_changes` counts it).
    func openJournalForReading() throws -> Journal {
        try validateAll()
        try refuseStore()
        let path = try databasePath()
        guard FileManager.default.fileExists(atPath: path) else { return try openJournal() }
        do {
            return try openJournal(at: path)
        } catch let error as CommandError where error.status == .failure {
            var options = JournalOptions(synchronous: try synchronous())
            options.readOnly = true
            guard let journal = try? Journal(path: path, options: options) else { throw error }
            return journal
        }
    }

    /// The commands that work on a SQLite journal file only (`journal backup|compact|check`: the
    /// file's own maintenance) exit 2 when given a PostgreSQL store, saying what does that work
    /// for a store; and a journal file given `--tenant` exits 2.
    private func refuseStore() throws {
        guard let (address, source) = try storeAddress() else {
            if let tenant { throw CommandError(.usage, "--tenant \(tenant) needs --store (or LEADSYNC_STORE)") }
            return
        }
        throw CommandError(
            .usage,
            "\(source) \(address): this command works on a SQLite journal file (--db) only; back up, compact and check a PostgreSQL store with the database's own tools (pg_dump, autovacuum/VACUUM, amcheck)"
        )
    }

    private func openJournal(at path: String, cacheKiB: Int? = nil) throws -> Journal {
        do {
            var options = JournalOptions(synchronous: try synchronous())
            if let cacheKiB { options.cacheKiB = cacheKiB }
            return try Journal(path: path, options: options)
        } catch let error as JournalError where error.code == .foreignDatabase {
            throw CommandError(.usage, "--db: \(error.message)")
        } catch let error as CommandError {
            throw error
        } catch {
            let problem = JournalFileProblem.describe(path).map { " (\($0))" } ?? ""
            throw CommandError(.failure, "cannot open the journal \(path): \(error)\(problem)")
        }
    }

    /// Creates a journal that does not exist yet as an empty file readable by its owner only,
    /// whatever the umask: SQLite gives the `-wal` and `-shm` files it creates the database
    /// file's mode, so leads' data never becomes world-readable. An existing file is left as is.
    static func createPrivately(_ path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            guard errno == EEXIST else {
                throw CommandError(.failure, "cannot create the journal \(path): \(String(cString: strerror(errno)))")
            }
            return
        }
        defer { close(fd) }
        _ = fchmod(fd, 0o600)
    }

    /// `LEADSYNC_SYNCHRONOUS` (`full` or `normal`): the journal's commit durability.
    func synchronous() throws -> JournalOptions.Synchronous {
        guard let value = environment["LEADSYNC_SYNCHRONOUS"], !value.isEmpty else { return .full }
        guard let mode = JournalOptions.Synchronous(rawValue: value.lowercased()) else {
            throw CommandError(.usage, "LEADSYNC_SYNCHRONOUS must be full or normal, not \(value)")
        }
        return mode
    }

    /// The HubSpot API's base URL: flag, env, config file, the journal's stored setting, default.
    func hubspotBaseURL(configuration: (any ConfigurationStoreProtocol)?) async throws -> String {
        if let given = try givenHubSpotURL() { return given }
        if let stored = try await configuration?.setting(.apiURL) {
            return try Self.checkedURL(stored, source: "the HubSpot URL stored by `leadsync connect`")
        }
        return Self.defaultHubSpotURL
    }

    /// The OAuth consent page: flag, env, config file, stored setting; by default HubSpot's,
    /// or `{hubspot-url}/oauth/authorize` when a HubSpot URL was given.
    func hubspotAuthorizeURL(configuration: (any ConfigurationStoreProtocol)?) async throws -> String {
        if let given = try givenAuthURL() { return given }
        if let given = try givenHubSpotURL() { return given + "/oauth/authorize" }
        if let stored = try await configuration?.setting(.authURL) {
            return try Self.checkedURL(stored, source: "the HubSpot auth URL stored by `leadsync connect`")
        }
        return Self.defaultAuthURL
    }

    /// `--hubspot-url` from flag, env or config file, checked; nil when none was given.
    func givenHubSpotURL() throws -> String? {
        try lookup(hubspotURL, env: "LEADSYNC_HUBSPOT_URL", key: "hubspot_url").map {
            try Self.checkedURL($0.value, source: $0.source)
        }
    }

    /// `--hubspot-auth-url` from flag, env or config file, checked; nil when none was given.
    func givenAuthURL() throws -> String? {
        try lookup(hubspotAuthURL, env: "LEADSYNC_HUBSPOT_AUTH_URL", key: "hubspot_auth_url").map {
            try Self.checkedURL($0.value, source: $0.source)
        }
    }

    /// `value` when it is an `http` or `https` URL with a host; otherwise a configuration error
    /// (exit 2) naming `source`. A malformed URL is a typo to fix, not a network failure to
    /// retry for minutes, and no request is ever sent to it.
    static func checkedURL(_ value: String, source: String) throws -> String {
        let parts = URLComponents(string: value)
        if let scheme = parts?.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = parts?.host,
            !host.isEmpty
        {
            return value
        }
        let hint = value.contains("://") || value.contains(" ") ? "" : " (did you mean http://\(value)?)"
        throw CommandError(
            .usage, "\(source): expected an http:// or https:// URL with a host, not \"\(value)\"\(hint)")
    }

    /// The log level name, checked.
    func resolvedLogLevel() throws -> String {
        guard let found = try lookup(logLevel, env: "LEADSYNC_LOG_LEVEL", key: "log_level") else { return "info" }
        guard Self.logLevels.contains(found.value) else {
            throw CommandError(
                .usage,
                "\(found.source): unknown log level \(found.value) (use \(Self.logLevels.joined(separator: ", ")))")
        }
        return found.value
    }

    /// The 10-second request limit when one was given (`N/10s`), checked.
    func resolvedRateLimit() throws -> Int? {
        guard let found = try lookup(rateLimit, env: "LEADSYNC_RATE_LIMIT", key: "rate_limit") else { return nil }
        let text = found.value.hasSuffix("/10s") ? String(found.value.dropLast(4)) : found.value
        guard let limit = Int(text), limit > 0 else {
            throw CommandError(.usage, "\(found.source): expected N/10s with N > 0, not \(found.value)")
        }
        return limit
    }

    /// The daily request limit when one was given, checked.
    func resolvedDailyLimit() throws -> Int? {
        guard let found = try lookup(dailyLimit, env: "LEADSYNC_DAILY_LIMIT", key: "daily_limit") else { return nil }
        guard let limit = Int(found.value), limit > 0 else {
            throw CommandError(.usage, "\(found.source): expected a positive number, not \(found.value)")
        }
        return limit
    }

    /// The fixed fleet share when one was given, checked: a number in (0, 1].
    func resolvedRateShare() throws -> Double? {
        guard let found = try lookup(rateShare, env: "LEADSYNC_RATE_SHARE", key: "rate_share") else { return nil }
        guard let share = Double(found.value), share > 0, share <= 1 else {
            throw CommandError(.usage, "\(found.source): expected a share in (0, 1], e.g. 0.25, not \(found.value)")
        }
        return share
    }

    /// Checks every option that has a value, so a bad one fails every command with exit 2.
    func validateAll() throws {
        _ = try givenHubSpotURL()
        _ = try givenAuthURL()
        _ = try resolvedLogLevel()
        _ = try resolvedRateLimit()
        _ = try resolvedDailyLimit()
        _ = try resolvedRateShare()
    }
}
