import Foundation
import LeadSyncEngine
import LeadSyncHTTPServer
package import LeadSyncSupport
import Synchronization

/// Receives the OAuth redirect on `http://localhost:PORT/callback`, listening on 127.0.0.1 and
/// ::1 (whichever `localhost` resolves to in the user's browser), and hands over the code once
/// the `state` matched.
///
/// ```swift
/// let listener = try OAuthLoopbackListener(port: 8976, state: state)
/// defer { listener.stop() }
/// let code = try await listener.code(timeout: .seconds(300))
/// ```
package final class OAuthLoopbackListener: Sendable {
    /// What arrived at the callback, or why waiting ended.
    enum Outcome: Sendable {
        case code(Secret)
        case failure(ConnectionError)
    }

    private let expectedState: String
    private let servers: [HTTPServer]
    private let box: HandlerBox
    /// The bound port (the requested one, or a free one for port 0).
    package let port: Int
    private let waiting = Mutex<(outcome: Outcome?, continuation: CheckedContinuation<Secret, any Error>?)>((nil, nil))

    /// Starts listening. IPv6 loopback is optional: hosts without it still get the IPv4 listener.
    package init(port: Int, state: String) throws {
        expectedState = state
        let box = HandlerBox()
        let v4 = HTTPServer { request in box.handle(request) }
        let bound = try v4.start(host: "127.0.0.1", port: port)
        var servers = [v4]
        let v6 = HTTPServer { request in box.handle(request) }
        if (try? v6.start(host: "::1", port: bound)) != nil { servers.append(v6) }
        self.servers = servers
        self.box = box
        self.port = bound
        box.listener.withLock { $0 = self }
    }

    /// `http://localhost:PORT/callback`: the redirect URI to register in the HubSpot app.
    package var redirectURI: String { "http://localhost:\(port)/callback" }

    /// Waits for the redirect. Throws ``ConnectionError`` `.authorizationFailed` on a wrong
    /// `state`, an `error=` redirect, or when `timeout` passes first.
    package func code(timeout: Duration) async throws -> Secret {
        try await withThrowingTaskGroup(of: Secret.self) { group in
            group.addTask {
                try await withCheckedThrowingContinuation { continuation in
                    let ready = self.waiting.withLock { waiting -> Outcome? in
                        if let outcome = waiting.outcome { return outcome }
                        waiting.continuation = continuation
                        return nil
                    }
                    if let ready { Self.resume(continuation, with: ready) }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                let error = ConnectionError(
                    .authorizationFailed, "no OAuth redirect arrived within \(timeout); nothing was stored")
                self.deliver(.failure(error))
                throw error
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Stops listening.
    package func stop() {
        servers.forEach { $0.stop() }
        box.listener.withLock { $0 = nil }
    }

    fileprivate func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        guard request.method == "GET", request.path == "/callback" else {
            return HTTPServerResponse(status: 404, contentType: "text/plain", text: "not found")
        }
        if let error = request.queryValue("error") {
            let description = request.queryValue("error_description").map { ": \($0)" } ?? ""
            return final(
                page(400, "HubSpot refused the authorization. You can close this window."),
                .failure(
                    ConnectionError(.authorizationFailed, "HubSpot refused the authorization (\(error)\(description))"))
            )
        }
        guard request.queryValue("state") == expectedState else {
            return final(
                page(400, "This authorization was not started here and was refused."),
                .failure(
                    ConnectionError(.authorizationFailed, "the OAuth redirect carried a wrong state; it was refused")))
        }
        guard let code = request.queryValue("code"), !code.isEmpty else {
            return page(400, "The redirect carried no code.")
        }
        return final(page(200, "leadsync is connected. You can close this window."), .code(Secret(code)))
    }

    /// The answer that ends the wait. The outcome is handed over only once the browser has the
    /// page and the connection is closed: `connect` stops the listener and may exit right after,
    /// and a socket closed before the browser read the page resets it (the page is lost).
    private func final(_ response: HTTPServerResponse, _ outcome: Outcome) -> HTTPServerResponse {
        var response = response
        response.closesConnection = true
        response.onDelivered = { self.deliver(outcome) }
        return response
    }

    private func deliver(_ outcome: Outcome) {
        let continuation = waiting.withLock { waiting -> CheckedContinuation<Secret, any Error>? in
            guard waiting.outcome == nil else { return nil }
            waiting.outcome = outcome
            defer { waiting.continuation = nil }
            return waiting.continuation
        }
        if let continuation { Self.resume(continuation, with: outcome) }
    }

    private static func resume(_ continuation: CheckedContinuation<Secret, any Error>, with outcome: Outcome) {
        switch outcome {
        case .code(let code): continuation.resume(returning: code)
        case .failure(let error): continuation.resume(throwing: error)
        }
    }

    private func page(_ status: Int, _ text: String) -> HTTPServerResponse {
        HTTPServerResponse(
            status: status, contentType: "text/html; charset=utf-8",
            text: "<!doctype html><title>leadsync</title><p>\(text)</p>")
    }
}

/// The servers are created before the listener they call exists; this box closes the loop
/// until ``OAuthLoopbackListener/stop()`` opens it again.
private final class HandlerBox: Sendable {
    let listener = Mutex<OAuthLoopbackListener?>(nil)

    func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        guard let listener = listener.withLock({ $0 }) else { return HTTPServerResponse(status: 503) }
        return listener.handle(request)
    }
}
