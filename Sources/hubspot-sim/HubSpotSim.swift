import ArgumentParser
import Foundation
import HubSpotSimulator

/// `hubspot-sim`: the bundled local HubSpot, as a standalone server.
@main
struct HubSpotSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hubspot-sim", abstract: "A faithful local HubSpot for tests, demos and benchmarks.",
        discussion: "Prints its base URL on stdout when ready; stops on SIGINT or SIGTERM. Control API under /_sim/.")

    @Option(help: "Port to listen on (0 = any free port).") var port = 8080
    @Option(help: "Address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(
        name: .customLong("token"),
        help: "Register a private-app token (repeatable); APP=TOKEN makes tokens of one app share its rolling limit.")
    var tokens: [String] = []
    @Option(name: .customLong("oauth-client"), help: "Register an OAuth app as ID:SECRET (repeatable).")
    var oauthClients: [String] = []
    @Option(help: "Rolling limit per private app (its static tokens together), e.g. 190/10s, or 'none'.")
    var rateLimit = "190/10s"
    @Option(help: "Rolling limit per OAuth app, e.g. 110/10s, or 'none'.") var oauthRateLimit = "110/10s"
    @Option(help: "Daily request limit for static tokens (0 = none).") var dailyLimit = 625_000
    @Option(help: "Search requests per second (0 = unlimited).") var searchPerSecond = 5
    @Option(name: .customLong("latency-ms"), help: "Fixed latency per answer.") var latencyMilliseconds = 0
    @Option(name: .customLong("jitter-ms"), help: "Random latency either way: each answer's latency is L ± up to N ms.")
    var jitterMilliseconds = 0
    @Option(help: "OAuth access-token lifetime in seconds.") var tokenLifetime = 1800
    @Option(name: .customLong("search-lag-ms"), help: "Delay before writes are visible to search.")
    var searchLagMilliseconds = 0
    @Option(name: .customLong("fault-5xx"), help: "Share of requests answered 5xx.") var fault5xx = 0.0
    @Option(name: .customLong("fault-429"), help: "Share of requests answered 429.") var fault429 = 0.0
    @Option(name: .customLong("fault-reset"), help: "Share of connections reset.") var faultReset = 0.0
    @Option(name: .customLong("fault-hang"), help: "Share of requests hung, then dropped.") var faultHang = 0.0
    @Option(
        name: .customLong("fault-apply-then-drop"),
        help: "Share of write requests applied, then left unanswered (connection closed).")
    var faultApplyThenDrop = 0.0
    @Flag(help: "Apply faulted writes before failing them (lost answers).") var faultsApplied = false
    @Flag(help: "Let POST /crm/v3/properties/notes create unique-value (hasUniqueValue) note properties.")
    var allowUniqueNoteProperties = false
    @Flag(help: "Return refresh tokens rotated on each refresh.") var rotateRefreshTokens = false
    @Flag(help: "Shuffle batch results.") var shuffle = false
    @Flag(help: "Never gzip answers, even when the client accepts gzip.") var noGzip = false
    @Option(help: "Seed of faults, jitter and tokens.") var seed: UInt64 = 0x5EED
    @Option(help: "Load contacts from this JSON file at start; save them there on stop.") var state: String?
    @Option(
        help:
            "Append one line per API request to this file: arrival and answer (ms since 1970), endpoint, status, X-HubSpot-RateLimit-Remaining, correlation id."
    )
    var requestLog: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0…65535, got \(port)") }
        let rates = [
            ("--fault-5xx", fault5xx), ("--fault-429", fault429), ("--fault-reset", faultReset),
            ("--fault-hang", faultHang),
        ]
        for (name, rate) in rates where !(0...1).contains(rate) {
            throw ValidationError("\(name) must be a share between 0 and 1, got \(rate)")
        }
        guard rates.map(\.1).reduce(0, +) <= 1 else {
            throw ValidationError("the --fault-* shares add up to more than 1")
        }
        guard (0...1).contains(faultApplyThenDrop) else {
            throw ValidationError("--fault-apply-then-drop must be a share between 0 and 1, got \(faultApplyThenDrop)")
        }
        guard tokenLifetime > 0 else {
            throw ValidationError("--token-lifetime must be positive, got \(tokenLifetime)")
        }
    }

    mutating func run() throws {
        var configuration = SimulatorConfiguration()
        configuration.rateLimit = try Self.limit(rateLimit, option: "--rate-limit")
        configuration.oauthRateLimit = try Self.limit(oauthRateLimit, option: "--oauth-rate-limit")
        configuration.dailyLimit = dailyLimit > 0 ? dailyLimit : nil
        configuration.searchPerSecond = searchPerSecond > 0 ? searchPerSecond : nil
        configuration.latencyMilliseconds = latencyMilliseconds
        configuration.jitterMilliseconds = jitterMilliseconds
        configuration.accessTokenLifetimeSeconds = tokenLifetime
        configuration.searchIndexLagMilliseconds = searchLagMilliseconds
        configuration.faults.serverErrorRate = fault5xx
        configuration.faults.rateLimitRate = fault429
        configuration.faults.resetRate = faultReset
        configuration.faults.hangRate = faultHang
        configuration.faults.applyBeforeFailing = faultsApplied
        configuration.faults.applyThenDropRate = faultApplyThenDrop
        configuration.allowUniqueNoteProperties = allowUniqueNoteProperties
        configuration.rotateRefreshTokens = rotateRefreshTokens
        configuration.shuffleResults = shuffle
        configuration.compressResponses = !noGzip
        configuration.seed = seed

        let simulator = HubSpotSimulator(configuration: configuration)
        for token in tokens {
            if let equals = token.firstIndex(of: "=") {
                simulator.registerToken(String(token[token.index(after: equals)...]), app: String(token[..<equals]))
            } else {
                simulator.registerToken(token)
            }
        }
        for client in oauthClients {
            guard let colon = client.firstIndex(of: ":") else {
                throw ValidationError("--oauth-client must be ID:SECRET, got \"\(client)\"")
            }
            simulator.registerOAuthClient(
                id: String(client[..<colon]), secret: String(client[client.index(after: colon)...]))
        }
        if let state, FileManager.default.fileExists(atPath: state) {
            do {
                try simulator.loadContacts(json: Array(try Data(contentsOf: URL(fileURLWithPath: state))))
            } catch {
                throw ValidationError("cannot load --state \(state): \(error)")
            }
        }
        if let requestLog {
            guard FileManager.default.createFile(atPath: requestLog, contents: nil),
                let file = FileHandle(forWritingAtPath: requestLog)
            else { throw ValidationError("cannot create --request-log \(requestLog)") }
            simulator.logRequests { file.write(Data(($0 + "\n").utf8)) }
        }
        try simulator.start(host: host, port: port)
        // Unbuffered, so a parent process reading the pipe sees the URL at once.
        FileHandle.standardOutput.write(Data((simulator.baseURL + "\n").utf8))

        let stopped = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { stopped.signal() }
            source.resume()
            sources.append(source)
        }
        stopped.wait()
        simulator.stop()
        if let state {
            try Data(simulator.contactsJSON()).write(to: URL(fileURLWithPath: state), options: .atomic)
        }
    }

    /// Parses `190/10s`, `100/10000ms` or `none`.
    static func limit(_ text: String, option: String) throws -> SimulatorConfiguration.RateLimit? {
        if text == "none" || text == "0" { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let max = Int(parts[0]), max > 0 else {
            throw ValidationError("\(option) must look like 190/10s, got \"\(text)\"")
        }
        let window = parts[1]
        let milliseconds: Int?
        if window.hasSuffix("ms") {
            milliseconds = Int(window.dropLast(2))
        } else if window.hasSuffix("s") {
            milliseconds = Int(window.dropLast()).map { $0 * 1000 }
        } else {
            milliseconds = nil
        }
        guard let milliseconds, milliseconds > 0 else {
            throw ValidationError("\(option) window must be like 10s or 10000ms, got \"\(window)\"")
        }
        return SimulatorConfiguration.RateLimit(max: max, intervalMilliseconds: milliseconds)
    }
}
