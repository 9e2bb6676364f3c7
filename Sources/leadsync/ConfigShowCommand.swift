import ArgumentParser
import Foundation
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport

struct ConfigShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show the resolved options, stored settings, mappings and rules (secrets masked).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let document = try await global.withWorkspace { workspace in try await show(workspace) }
        if json {
            Output.json(document)
        } else if case .object(let members) = document {
            for (key, value) in members {
                let text = if case .string(let s) = value { s } else { value.text }
                Output.data("\(key): \(text)")
            }
        }
    }

    /// The document: where the journal is (`db`, or `store` and `tenant`; the others null), the
    /// resolved options, and what the journal stores.
    private func show(_ workspace: Workspace) async throws -> JSONValue {
        let journal = workspace.stores
        let rules = try await journal.configuration.pushRules()
        let (db, store, tenant, credentials): (String?, String?, String?, String?) =
            switch workspace.kind {
            case .file(let file, let credentials): (file.path, nil, nil, credentials.path)
            case .tenant(let tenant, let store, _): (nil, "\(store.address)", tenant.id, nil)
            }
        let token = global.environment["LEADSYNC_TOKEN"].map { $0.isEmpty ? JSONValue.null : .string("<redacted>") }
        return JSONValue.object([
            ("db", .optional(db)),
            ("store", .optional(store)),
            ("tenant", .optional(tenant)),
            ("hubspot_url", .string(try await global.hubspotBaseURL(configuration: journal.configuration))),
            ("hubspot_auth_url", .string(try await global.hubspotAuthorizeURL(configuration: journal.configuration))),
            ("hubspot_api", .string(global.environment["LEADSYNC_HUBSPOT_API"] ?? "2026-03")),
            ("log_level", .string(try global.resolvedLogLevel())),
            ("rate_limit", try global.resolvedRateLimit().map { .string("\($0)/10s") } ?? .null),
            ("daily_limit", try global.resolvedDailyLimit().map { .integer($0) } ?? .null),
            ("rate_share", try global.resolvedRateShare().map { .number(String($0)) } ?? .null),
            ("synchronous", .string(try global.synchronous().rawValue)),
            ("credentials", .string(try await workspace.hasCredentials() ? "stored" : "none")),
            ("credentials_path", .optional(credentials)),
            ("token_env", token ?? .null),
            (
                "settings",
                .object(
                    try await journal.configuration.settings().sorted { $0.key.rawValue < $1.key.rawValue }.map {
                        ($0.key.rawValue, .string($0.value))
                    })
            ),
            ("mappings", .array(try await journal.configuration.mappings().map(\.json))),
            ("rules", .object([("update", .bool(rules.update)), ("create", .bool(rules.create))])),
            (
                "pull_rules",
                .array(
                    try await journal.configuration.pullRules().map { rule in
                        .object([
                            ("id", .string(rule.id)), ("property", .string(rule.property)),
                            ("op", .string(rule.op.rawValue)),
                            ("values", .array(rule.values.map(JSONValue.string))),
                        ])
                    })
            ),
        ])
    }
}
