public import Foundation

/// A complete HTTP response: status, headers, decoded body and what it cost.
public struct HTTPResponse: Sendable {
    /// The status code of the final response (interim `100 Continue` responses are dropped).
    public var status: Int
    /// The final response's header fields.
    public var headers: HTTPHeaders
    /// The body after `Content-Encoding` was undone.
    public var body: Data
    /// Sizes and timings of this exchange, for metrics.
    public var metrics: HTTPMetrics

    public init(status: Int, headers: HTTPHeaders, body: Data, metrics: HTTPMetrics = HTTPMetrics()) {
        self.status = status
        self.headers = headers
        self.body = body
        self.metrics = metrics
    }

    /// True for any 2xx status: HubSpot has moved success codes under clients before (201 → 200).
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// Sizes and timings of one request, as libcurl measured them.
public struct HTTPMetrics: Sendable, Hashable {
    /// Bytes of request body sent.
    public var requestBodyBytes: Int = 0
    /// Bytes of response body received, before decoding.
    public var responseBodyBytes: Int = 0
    /// Bytes of response headers received.
    public var responseHeaderBytes: Int = 0
    /// From start until the name was resolved.
    public var nameLookup: Duration = .zero
    /// From start until the TCP connection was up.
    public var connect: Duration = .zero
    /// From start until the TLS handshake was done (zero for plain http).
    public var tlsHandshake: Duration = .zero
    /// From start until the first response byte.
    public var firstByte: Duration = .zero
    /// From start until the transfer finished.
    public var total: Duration = .zero
    /// True when the request used a connection kept alive from an earlier one.
    public var reusedConnection: Bool = false
    /// `1.1` or `2`.
    public var httpVersion: String = "1.1"

    public init() {}
}
