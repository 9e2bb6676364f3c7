internal import CLeadSyncCurl
import Foundation
import Synchronization

/// The libcurl transport: one `curl_multi` handle driven by one dedicated thread, many requests in
/// flight, connections kept alive and reused, HTTP/2 when the server offers it over TLS.
///
/// Callers suspend without blocking Swift's cooperative pool; libcurl runs only on the transport's
/// own thread. TLS peer and host verification stay on: there is no option to turn them off.
/// Proxies come from the usual environment variables (`https_proxy`, `no_proxy`, …), as libcurl
/// reads them. Cancelling the calling task removes the transfer at once.
///
/// ```swift
/// let transport = CurlTransport()
/// let response = try await transport.send(HTTPRequest(method: .get, url: "http://127.0.0.1:8080/"))
/// ```
package final class CurlTransport: HTTPTransport, Sendable {
    /// How the transport connects and when it gives up.
    package struct Configuration: Sendable {
        /// Default 10 s: enough for a slow TLS handshake, short enough to notice an unreachable host.
        package var connectTimeout: Duration = .seconds(10)
        /// Default 120 s: HubSpot's edge gives up after 100 s (524), so a request never outlives it.
        package var totalTimeout: Duration = .seconds(120)
        /// A transfer slower than `lowSpeedBytesPerSecond` for `lowSpeedTime` is abandoned.
        /// Default 1 byte/s for 30 s: catches a stalled connection, never a slow but live one.
        package var lowSpeedBytesPerSecond: Int = 1
        package var lowSpeedTime: Duration = .seconds(30)
        /// Default 64 connections per host, as many as the pacer keeps requests in flight
        /// (`Pacer.Configuration.maximumConcurrency`): HTTP/1.1 needs one per request in flight, and
        /// fewer would queue a window's budget behind each other's latency; HTTP/2 multiplexes
        /// over fewer.
        package var maxConnectionsPerHost: Int = 64
        /// Default 64 kept-alive connections in the cache.
        package var maxCachedConnections: Int = 64
        /// Sent as `User-Agent` unless the request sets one.
        package var userAgent: String = "leadsync/1.0"

        package init() {}
    }

    private let mailbox: CurlMailbox

    /// Starts the transport's thread. Stopped when the transport is released.
    package init(configuration: Configuration = Configuration()) {
        CurlGlobal.initializeOnce()
        let mailbox = CurlMailbox(configuration: configuration)
        self.mailbox = mailbox
        let thread = Thread {
            CurlMultiLoop(mailbox: mailbox, configuration: configuration).run()
        }
        thread.name = "leadsync.curl"
        thread.start()
    }

    deinit { mailbox.shutDown() }

    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let transfer = CurlTransfer(request: request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if transfer.attach(continuation) { mailbox.post(.start(transfer)) }
            }
        } onCancel: {
            if transfer.cancel() { mailbox.post(.cancel(transfer)) }
        }
    }
}

/// `curl_global_init` is not thread-safe and must run once before any other libcurl call.
enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
    }()

    static func initializeOnce() { precondition(initialized, "curl_global_init failed") }
}
