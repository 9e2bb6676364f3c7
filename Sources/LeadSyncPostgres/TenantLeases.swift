package import LeadSyncSupport
package import Logging
internal import PostgresNIO

/// A worker's hold on one tenant (decision 0028): while it lasts, only this worker drains the
/// tenant. `token` is the fencing token: every write of a tenant opened with the lease checks,
/// in its own transaction, that the lease still carries this token and has not expired, so a
/// worker that lost its lease (paused, partitioned, too slow to heartbeat) cannot record
/// outcomes over its successor's.
package struct TenantLease: Sendable, Hashable {
    package let tenant: String
    /// Grows with every lease given out (one sequence for the store): a later holder's is larger.
    package let token: Int64
}

/// The store's lease rows: one per tenant (owner, token, expiry). Workers take free or expired
/// leases with `FOR UPDATE SKIP LOCKED` (two workers never wait for, nor take, the same row),
/// extend them with heartbeats and release them when the tenant has nothing left to do. Expiry
/// is measured on the server's clock, so the workers' clocks need not agree.
package struct TenantLeases: Sendable {
    let database: PostgresDatabase
    /// Who holds the leases this value takes (shown in the lease rows).
    package let worker: String

    /// Takes up to `limit` tenants whose lease is free or expired, each for `duration`: first those
    /// whose holder stopped renewing without releasing them (a killed or stalled worker, cut
    /// mid-drain), then the rest least recently held first. Taking expired leases strictly by age
    /// put a killed worker's tenants, which expire last, behind the whole backlog of a busy fleet
    /// (20.7 s from the kill in `scripts/tenant-failover.sh` with a 15-s lease).
    package func acquire(limit: Int, for duration: Duration) async throws -> [TenantLease] {
        guard limit > 0 else { return [] }
        return try await database.statements("taking tenant leases") { connection in
            let rows = try await connection.query(
                """
                UPDATE lease SET owner = \(worker), token = nextval('lease_token'),
                    expires_at = clock_timestamp() + \(Self.milliseconds(duration)) * interval '1 millisecond',
                    heartbeat_at = clock_timestamp()
                WHERE tenant IN (
                    SELECT tenant FROM lease WHERE expires_at <= clock_timestamp()
                    ORDER BY owner IS NULL, expires_at, tenant LIMIT \(Int64(limit)) FOR UPDATE SKIP LOCKED)
                RETURNING tenant, token
                """, logger: database.logger)
            var leases: [TenantLease] = []
            for try await (tenant, token) in rows.decode((String, Int64).self) {
                leases.append(TenantLease(tenant: tenant, token: token))
            }
            return leases.sorted { $0.tenant < $1.tenant }
        }
    }

    /// Takes `tenant`'s lease for `duration` when it is free or expired: a command that drains or
    /// pulls one tenant (`sync --once`, `pull`) holds it as a worker would (decision 0037). Nil
    /// when another holds it; two takers at the same moment get it once (the second `UPDATE`
    /// waits for the first and then finds the lease taken).
    package func acquire(tenant: String, for duration: Duration) async throws -> TenantLease? {
        try await database.statements("taking the lease on tenant \(tenant)") { connection in
            let rows = try await connection.query(
                """
                UPDATE lease SET owner = \(worker), token = nextval('lease_token'),
                    expires_at = clock_timestamp() + \(Self.milliseconds(duration)) * interval '1 millisecond',
                    heartbeat_at = clock_timestamp()
                WHERE tenant = \(tenant) AND expires_at <= clock_timestamp()
                RETURNING token
                """, logger: database.logger)
            for try await token in rows.decode(Int64.self) { return TenantLease(tenant: tenant, token: token) }
            return nil
        }
    }

    /// Who holds `tenant`'s lease and for how many more seconds (on the server's clock); nil when
    /// it is free.
    package func holder(of tenant: String) async throws -> (owner: String, seconds: Double)? {
        try await database.statements("reading the lease on tenant \(tenant)") { connection in
            let rows = try await connection.query(
                """
                SELECT coalesce(owner, ''), extract(epoch FROM expires_at - clock_timestamp())::float8 FROM lease
                WHERE tenant = \(tenant) AND expires_at > clock_timestamp()
                """, logger: database.logger)
            for try await (owner, seconds) in rows.decode((String, Double).self) { return (owner, seconds) }
            return nil
        }
    }

    /// Extends `leases` by `duration` from now; returns those still held (a lease that expired
    /// or was taken over is not extended: its tenant is no longer this worker's).
    package func heartbeat(_ leases: [TenantLease], for duration: Duration) async throws -> Set<TenantLease> {
        guard !leases.isEmpty else { return [] }
        return try await database.statements("extending tenant leases") { connection in
            let rows = try await connection.query(
                """
                UPDATE lease l SET expires_at = clock_timestamp() + \(Self.milliseconds(duration)) * interval '1 millisecond',
                    heartbeat_at = clock_timestamp()
                FROM unnest(\(leases.map(\.tenant)), \(leases.map(\.token))) AS u(tenant, token)
                WHERE l.tenant = u.tenant AND l.token = u.token AND l.expires_at > clock_timestamp()
                RETURNING l.tenant, l.token
                """, logger: database.logger)
            var held: Set<TenantLease> = []
            for try await (tenant, token) in rows.decode((String, Int64).self) {
                held.insert(TenantLease(tenant: tenant, token: token))
            }
            return held
        }
    }

    /// Extends the leases `held()` gives every `interval` by `duration` until the task is
    /// cancelled, calling `lost` for each one a heartbeat found expired or taken over. While the
    /// store cannot be reached the leases run out on their own, and the fence keeps refusing the
    /// writes of those that did.
    package func keep(
        _ held: @Sendable () -> [TenantLease], every interval: Duration, for duration: Duration,
        clock: any WallClock, logger: Logger, lost: @Sendable (TenantLease) -> Void
    ) async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: interval) } catch { return }
            let leases = held()
            guard !leases.isEmpty else { continue }
            let kept: Set<TenantLease>
            do {
                kept = try await heartbeat(leases, for: duration)
            } catch {
                logger.error("cannot extend tenant leases", metadata: ["error": "\(error)"])
                continue
            }
            for lease in leases where !kept.contains(lease) { lost(lease) }
        }
    }

    /// Gives `leases` back: their tenants are free for any worker at once (and, being the most
    /// recently held, are taken after the tenants that waited longer).
    package func release(_ leases: [TenantLease]) async throws {
        guard !leases.isEmpty else { return }
        try await database.statements("releasing tenant leases") { connection in
            try await connection.query(
                """
                UPDATE lease l SET owner = NULL, expires_at = clock_timestamp()
                FROM unnest(\(leases.map(\.tenant)), \(leases.map(\.token))) AS u(tenant, token)
                WHERE l.tenant = u.tenant AND l.token = u.token
                """, logger: database.logger)
        }
    }

    /// Whole milliseconds of `duration` (a lease is never shorter than 0).
    static func milliseconds(_ duration: Duration) -> Int64 {
        max(0, duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension TenantLease {
    /// Refuses the transaction unless this lease is still current: same token, not expired. The
    /// lease row stays share-locked until the transaction ends, so no worker can take the lease
    /// over between this check and the commit.
    func check(_ connection: PostgresConnection, _ logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT 1 FROM lease
            WHERE tenant = \(tenant) AND token = \(token) AND expires_at > clock_timestamp() FOR SHARE
            """, logger: logger)
        guard try await rows.collect().isEmpty else { return }
        throw PostgresStoreError(
            .leaseLost, "the lease on tenant \(tenant) (token \(token)) expired or was taken over: nothing was written")
    }
}

extension PostgresStore {
    /// The lease rows, for the worker named `worker`.
    package func leases(worker: String) -> TenantLeases { TenantLeases(database: database, worker: worker) }
}
