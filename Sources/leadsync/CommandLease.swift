import Foundation
import LeadSyncPostgres
import LeadSyncSupport
import Logging
import Synchronization

/// A command that drains or pulls one tenant (`sync --once`, `pull`) holds the tenant's lease for
/// its run, as a `serve` worker does (decision 0037): a tenant is drained by one process at a
/// time, and every write of the run is fenced by the lease's token, so a command beside a
/// worker can neither send a tenant's changes twice nor record over the worker's outcomes.
final class CommandLease: Sendable {
    /// A `serve` worker's default: a killed command's tenant waits at most this long.
    static let duration: Duration = .seconds(15)
    static let heartbeatInterval: Duration = .seconds(5)

    let tenant: String
    private let state = Mutex<(lost: Bool, handlers: [@Sendable () -> Void])>((false, []))

    init(tenant: String) { self.tenant = tenant }

    /// True once a heartbeat found the lease expired or taken over.
    var isLost: Bool { state.withLock { $0.lost } }

    /// Calls `handler` when the lease is found lost (at once when it already was).
    func onLost(_ handler: @escaping @Sendable () -> Void) {
        let lost = state.withLock { state in
            if !state.lost { state.handlers.append(handler) }
            return state.lost
        }
        if lost { handler() }
    }

    fileprivate func markLost() {
        let handlers = state.withLock { state in
            state.lost = true
            defer { state.handlers = [] }
            return state.handlers
        }
        for handler in handlers { handler() }
    }

    /// What a run that lost its lease says (exit 1): its later writes were refused.
    var lostMessage: String {
        "the lease on tenant \(tenant) ran out or was taken over (another process drains it now); nothing more was recorded"
    }
}

extension GlobalOptions {
    /// Runs `body` on `workspace` as it is for a journal file, and for a tenant on the tenant
    /// opened with its lease, held (heartbeats) until `body` returns and then released. Exits 1
    /// at once, sending nothing, when another process holds the lease.
    func withLease<T: Sendable>(
        on workspace: Workspace, for command: String, logger: Logger,
        _ body: (Workspace, CommandLease?) async throws -> T
    ) async throws -> T {
        guard case .tenant(let tenant, let store, let key) = workspace.kind else {
            return try await body(workspace, nil)
        }
        let leases = store.leases(worker: "leadsync \(command) on \(ProcessInfo.processInfo.hostName):\(getpid())")
        guard let lease = try await leases.acquire(tenant: tenant.id, for: CommandLease.duration) else {
            let holder = try await leases.holder(of: tenant.id)
            let who = holder.map { "\($0.owner) holds its lease for \(Int($0.seconds.rounded(.up))) s more" }
            throw CommandError(
                .failure,
                "tenant \(tenant.id) is being drained by another process (\(who ?? "its lease was just taken")); nothing was sent: run \(command) again once it is done"
            )
        }
        let hold = CommandLease(tenant: tenant.id)
        let heartbeats = Task {
            await leases.keep(
                { [lease] }, every: CommandLease.heartbeatInterval, for: CommandLease.duration,
                clock: SystemWallClock(), logger: logger
            ) { _ in hold.markLost() }
        }
        func release() async {
            heartbeats.cancel()
            await heartbeats.value
            try? await leases.release([lease])
        }
        do {
            let value = try await body(
                Workspace(kind: .tenant(store.tenant(lease), store: store, key: key), created: false), hold)
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }
}
