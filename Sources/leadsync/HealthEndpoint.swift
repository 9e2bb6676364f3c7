import Foundation
import LeadSyncEngine
import LeadSyncHTTPServer
import LeadSyncJournal
import LeadSyncSupport
import Logging
import Metrics
import Prometheus

/// What `sync --follow --listen` and `serve --listen` serve, on the project's own HTTP server
/// (decision 0007):
///
/// - `GET /livez`: 200 while the process answers (no dependency checks: restart me if not);
/// - `GET /readyz`: 200 when `readiness` says ready, else 503 with the reason (starting,
///   reconnection required, stalled, shutting down);
/// - `GET /metrics`: every swift-metrics figure of the process in Prometheus text (`refresh`
///   records the gauges read at each scrape first);
/// - `GET /status`: `status`'s JSON document.
///
/// Handlers run on the server's connection threads, so they may block on the journal.
final class HealthEndpoint: Sendable {
    private let server: HTTPServer

    /// Prometheus is the process's metrics backend once, for the process's life.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    /// The endpoint of `sync --follow`: readiness from `health`, the journal's gauges read at
    /// each scrape, `/status` the `status --json` document.
    convenience init(
        journal: Journal, health: SyncHealth, metrics: SyncMetrics,
        status: @escaping @Sendable (Journal) async throws -> JSONValue
    ) {
        self.init(
            readiness: { health.readiness },
            refresh: { try journal.blocking { _ in try await metrics.recordJournalGauges() } },
            status: { try journal.blocking { journal in try await status(journal) } })
    }

    init(
        readiness: @escaping @Sendable () -> SyncHealth.Readiness, refresh: @escaping @Sendable () throws -> Void,
        status: @escaping @Sendable () throws -> JSONValue
    ) {
        let registry = Self.registry
        server = HTTPServer { request in
            guard request.method == "GET" || request.method == "HEAD" else {
                return HTTPServerResponse(
                    status: 405, contentType: "text/plain", text: "only GET\n", headers: [("Allow", "GET, HEAD")])
            }
            switch request.path {
            case "/livez":
                return HTTPServerResponse(status: 200, contentType: "text/plain", text: "ok\n")
            case "/readyz":
                let readiness = readiness()
                return HTTPServerResponse(
                    status: readiness.isReady ? 200 : 503, contentType: "text/plain", text: readiness.reason + "\n")
            case "/metrics":
                do {
                    try refresh()
                } catch {
                    return Self.unavailable("the journal could not be read: \(error)")
                }
                var body: [UInt8] = []
                registry.emit(into: &body)
                return HTTPServerResponse(
                    status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: body)
            case "/status":
                do {
                    let document = try status()
                    return HTTPServerResponse(status: 200, contentType: "application/json", text: document.text + "\n")
                } catch {
                    return Self.unavailable("the journal could not be read: \(error)")
                }
            default:
                return HTTPServerResponse(
                    status: 404, contentType: "text/plain", text: "not found; try /livez /readyz /metrics /status\n")
            }
        }
    }

    /// Binds `address` and serves until ``stop()``, logging the bound address.
    /// - Throws: `CommandError` `.failure` naming `--listen` when the address cannot be bound.
    func start(_ address: ListenAddress, logger: Logger) throws {
        let port: Int
        do {
            port = try server.start(host: address.host, port: address.port)
        } catch {
            throw CommandError(.failure, "--listen \(address.text(port: address.port)): \(error)")
        }
        logger.info(
            "listening for /livez /readyz /metrics /status", metadata: ["address": "\(address.text(port: port))"])
    }

    func stop() { server.stop() }

    private static func unavailable(_ message: String) -> HTTPServerResponse {
        HTTPServerResponse(status: 503, contentType: "text/plain", text: message + "\n")
    }
}
