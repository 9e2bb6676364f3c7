import ArgumentParser
import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncPostgres
import LeadSyncServe
import LeadSyncSupport
import Logging
import Synchronization

/// `leadsync serve --store postgres://…`: one worker draining the store's tenants (decision 0028).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Drain every tenant of a PostgreSQL store, as one of any number of workers.",
        discussion: """
            Leases tenants of --store (at most --tenants-at-once), drains each with its own stored \
            credentials (sealed with LEADSYNC_CREDENTIALS_KEY_FILE or LEADSYNC_CREDENTIALS_KEY) as \
            `sync --once` would, and releases it; a tenant with nothing to send is released at once. \
            A tenant that pulls (it has pull rules, or has pulled) is pulled as `pull` would in its \
            turn, --pull-every after its last pull. \
            A tenant is drained by one worker at a time; a worker whose lease ran out cannot record \
            anything. A killed worker's tenants are taken over once its leases expire (--lease). \
            SIGTERM or SIGINT stops the drains, releases every lease and exits 0. With --listen it \
            serves /livez, /readyz, /metrics (per tenant and in total) and /status.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Serve /livez /readyz /metrics /status on HOST:PORT (port 0: any free port, logged).")
    var listen: ListenAddress?

    @Option(help: "How long a lease lasts without a heartbeat: the longest a killed worker's tenants wait.")
    var lease = DurationText(seconds: 15)

    @Option(help: "Tenants this worker drains at once.")
    var tenantsAtOnce = 4

    @Option(help: "This worker's name in the lease rows (default: host and process id).")
    var worker: String?

    @Option(help: "Pull a tenant that pulls this long after its last pull (e.g. 90s, 5m, 1h).")
    var pullEvery = DurationText(seconds: 300, text: "5m")

    func validate() throws {
        guard tenantsAtOnce > 0 else { throw ValidationError("--tenants-at-once must be at least 1") }
        guard lease.seconds >= 1 else { throw ValidationError("--lease must be at least 1s") }
    }

    func run() async throws {
        guard let (address, _) = try global.storeAddress() else {
            throw CommandError(.usage, "serve needs a PostgreSQL store: --store postgres://… (or LEADSYNC_STORE)")
        }
        if let tenant = global.tenant {
            throw CommandError(.usage, "--tenant \(tenant): serve drains every tenant of the store")
        }
        let key: CredentialsKey?
        do {
            key = try CredentialsKey.fromEnvironment(global.environment)
        } catch {
            throw CommandError(.usage, error.message)
        }
        let logger = try global.logger("leadsync.serve")
        let store: PostgresStore
        do {
            store = try await PostgresStore.open(address)
        } catch {
            throw CommandError(.failure, error.message)
        }
        let leaseDuration = Duration.milliseconds(Int64(lease.seconds * 1000))
        var configuration = TenantWorker.Configuration(
            worker: worker ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
        configuration.leaseDuration = leaseDuration
        configuration.heartbeatInterval = leaseDuration / 3
        configuration.tenantsAtOnce = tenantsAtOnce
        configuration.pullInterval = .milliseconds(Int64(pullEvery.seconds * 1000))
        configuration.sync.pacer = try global.pacerLimits()
        let name = configuration.worker
        let worker = TenantWorker(
            store: store, configuration: configuration, access: try access(key: key, logger: logger), logger: logger)

        let stopping = Atomic(false)
        let endpoint = try listen.map { address in
            let endpoint = HealthEndpoint(
                readiness: { stopping.load(ordering: .relaxed) ? .stopping : .ready }, refresh: {},
                status: {
                    .object([
                        ("worker", .string(name)),
                        ("tenants", .array(worker.heldTenants.map { JSONValue.string($0) })),
                    ])
                })
            try endpoint.start(address, logger: logger)
            return endpoint
        }
        let signals = SignalRelay([SIGINT, SIGTERM]) { _ in
            stopping.store(true, ordering: .relaxed)
            worker.stop()
        }
        defer { signals.cancel() }
        logger.info("serving", metadata: ["store": "\(address)", "worker": "\(configuration.worker)"])
        await worker.run()
        endpoint?.stop()
        await store.close()
        logger.info("stopped; every lease released")
    }

    /// How a drain reaches a tenant's HubSpot account: the tenant's stored credentials (a
    /// token or OAuth, refreshed and saved back), its stored HubSpot URL unless one is given,
    /// and a request budget of its own (decision 0017: one budget per account), capped by `--rate-limit`
    /// and `--daily-limit` when given, as the drains and pulls are.
    private func access(key: CredentialsKey?, logger: Logger) throws -> TenantWorker.Access {
        let global = self.global
        let version = try global.hubspotAPIVersion()
        let limits = try global.pacerLimits()
        let transport = CurlTransport()
        return { tenant in
            var pacer = limits
            try await pacer.adoptAccountTimeZone(of: tenant)
            return try await HubSpotAccess.open(
                journal: tenant, credentials: .stored(tenant.credentials(sealedWith: key)),
                apiURL: try await global.hubspotBaseURL(configuration: tenant.configuration), version: version,
                transport: transport, admission: try RequestBudget(configuration: pacer, ledgerPath: nil),
                logger: logger)
        }
    }
}
