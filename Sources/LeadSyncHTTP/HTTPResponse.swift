package import Foundation

/// A complete HTTP response: status, headers, decoded body and what it cost.
package struct HTTPResponse: Sendable {
    /// The status code of the final response (interim `100 Continue` responses are dropped).
    package var status: Int
    /// The final response's header fields.
    package var headers: HTTPHeaders
    /// The body after `Content-Encoding` was undone.
    package var body: Data
    /// Sizes and timings of this exchange, for metrics.
    package var metrics: HTTPMetrics

    package init(status: Int, headers: HTTPHeaders, body: Data, metrics: HTTPMetrics = HTTPMetrics()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.metrics = metrics
    }

    /// True for any 2xx status: HubSpot has moved success codes under clients before (201 → 200).
    package var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sizes and timings of one request, as libcurl measured them.
package struct HTTPMetrics: Sendable, Hashable {
    /// Bytes of request body sent.
    package var requestBodyBytes: Int = 0
    /// Bytes of response body received, before decoding.
    package var responseBodyBytes: Int = 0
    /// Bytes of response headers received.
    package var responseHeaderBytes: Int = 0
    /// From start until the name was resolved.
    package var nameLookup: Duration = .zero
    /// From start until the TCP connection was up.
    package var connect: Duration = .zero
    /// From start until the TLS handshake was done (zero for plain http).
    package var tlsHandshake: Duration = .zero
    /// From start until the first response byte.
    package var firstByte: Duration = .zero
    /// From start until the transfer finished.
    package var total: Duration = .zero
    /// True when the request used a connection kept alive from an earlier one.
    package var reusedConnection: Bool = false
    /// `1.1` or `2`.
    package var httpVersion: String = "1.1"

    package init() {}
}
