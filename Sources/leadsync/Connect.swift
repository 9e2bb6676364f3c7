import ArgumentParser
import Foundation
import LeadSyncCLISupport
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport

/// `leadsync connect`: a static token, OAuth with a loopback redirect, or OAuth with a pasted code.
struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect", abstract: "Connect this journal to a HubSpot account.",
        discussion: """
            leadsync connect --token TOKEN            (a private-app token or service key; - reads stdin)
            leadsync connect --client-id ID --client-secret SECRET [--scopes S ...] [--port N] [--no-browser] [--timeout 5m]
            leadsync connect --client-id ID --client-secret SECRET --code CODE --redirect-uri URI
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "A static token; - reads it from stdin.") var token: String?
    @Option(name: .customLong("client-id"), help: "The OAuth app's client id (env LEADSYNC_CLIENT_ID).") var clientId:
        String?
    @Option(
        name: .customLong("client-secret"),
        help: "The OAuth app's client secret; - reads stdin (env LEADSYNC_CLIENT_SECRET).")
    var clientSecret: String?
    @Option(parsing: .upToNextOption, help: "Scopes to request (replace the default list).") var scopes: [String] = []
    @Option(help: "Loopback port for the redirect.") var port: Int = 8976
    @Flag(name: .customLong("no-browser"), help: "Print the consent URL without opening a browser.") var noBrowser =
        false
    @Option(help: "How long to wait for the redirect: 300, 30s, 5m, 1h.") var timeout: String = "5m"
    @Option(help: "An authorization code obtained elsewhere (headless devices).") var code: String?
    @Option(name: .customLong("redirect-uri"), help: "The redirect URI the code was issued for.") var redirectURI:
        String?
    @Flag(
        name: .customLong("new-account"), help: "Allow a different account: forget HubSpot ids and match leads again.")
    var newAccount = false
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let redactor = SecretRedactor()
        let outcome = try await global.withWorkspace { workspace in
            let service = ConnectService(
                journal: workspace.stores, store: workspace.credentials,
                endpoint: try await global.hubspotEndpoint(configuration: workspace.configuration),
                transport: CurlTransport(), logger: try global.logger("leadsync.connect", redactor: redactor))
            do {
                return try await connect(service, redactor: redactor)
            } catch let error as ConnectionError {
                throw CommandError(error.exitStatus, error.message)
            }
        }
        outcome.warnings.forEach { Output.note("warning: \($0)") }
        if json {
            Output.json(
                .object([
                    ("connected", .bool(true)), ("token_kind", .string(outcome.tokenKind.rawValue)),
                    ("account_id", outcome.accountId.map { .string($0) } ?? .null),
                    ("time_zone", outcome.timeZone.map { .string($0) } ?? .null),
                    ("warnings", .array(outcome.warnings.map { .string($0) })),
                ]))
        } else {
            Output.note("connected to HubSpot account \(outcome.accountId ?? "(unknown)")")
        }
    }

    private func connect(_ service: ConnectService, redactor: SecretRedactor) async throws -> ConnectService.Outcome {
        if let token {
            guard clientId == nil, clientSecret == nil, code == nil else {
                throw CommandError(.usage, "--token cannot be combined with --client-id, --client-secret or --code")
            }
            if token != "-" {
                Output.note(
                    "warning: a token given on the command line is visible to other users (ps) and kept in shell history; use --token - and pass it on stdin"
                )
            }
            let value = try Self.secret(token, flag: "--token")
            redactor.register(value.revealed)
            return try await service.connect(token: value, newAccount: newAccount)
        }
        guard let id = clientId ?? global.environment["LEADSYNC_CLIENT_ID"], !id.isEmpty else {
            throw CommandError(
                .usage,
                "connect needs --token, or --client-id and --client-secret (or LEADSYNC_CLIENT_ID/LEADSYNC_CLIENT_SECRET)"
            )
        }
        guard let secretText = clientSecret ?? global.environment["LEADSYNC_CLIENT_SECRET"], !secretText.isEmpty else {
            throw CommandError(.usage, "--client-secret (or LEADSYNC_CLIENT_SECRET) is required with --client-id")
        }
        let secret = try Self.secret(secretText, flag: "--client-secret")
        redactor.register(secret.revealed)
        if let code {
            guard let redirectURI else {
                throw CommandError(.usage, "--code needs --redirect-uri, the URI the code was issued for")
            }
            redactor.register(code)
            return try await service.connect(
                clientId: id, clientSecret: secret, code: Secret(code), redirectURI: redirectURI, newAccount: newAccount
            )
        }
        guard redirectURI == nil else { throw CommandError(.usage, "--redirect-uri is only used with --code") }
        guard (0...65535).contains(port) else { throw CommandError(.usage, "--port must be 0…65535, not \(port)") }
        return try await service.connect(
            clientId: id, clientSecret: secret,
            scopes: scopes.isEmpty
                ? ConnectService.defaultScopes : scopes.flatMap { $0.split(separator: " ").map(String.init) },
            port: port, openBrowser: !noBrowser, timeout: try Self.duration(timeout), newAccount: newAccount
        ) { url in
            Output.note("Open this URL to authorize leadsync:")
            Output.note(url)
        }
    }

    /// The flag's value, or stdin's first line for `-`.
    static func secret(_ value: String, flag: String) throws -> Secret {
        guard value == "-" else { return Secret(value) }
        guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
            throw CommandError(.usage, "\(flag) -: nothing on stdin")
        }
        return Secret(line)
    }

    /// `300`, `30s`, `5m`, `1h`.
    static func duration(_ text: String) throws -> Duration {
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        let unit = text.last.flatMap { units[$0] }
        guard let amount = Double(unit == nil ? text : String(text.dropLast())), amount > 0 else {
            throw CommandError(.usage, "--timeout: expected a duration like 300, 30s, 5m or 1h, not \(text)")
        }
        return .milliseconds(Int(amount * Double(unit ?? 1) * 1000))
    }
}
