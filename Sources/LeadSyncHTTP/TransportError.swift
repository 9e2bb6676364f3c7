/// Why a request got no HTTP response.
///
/// ```swift
/// catch let error as TransportError where error.isTransient { try await backoff.sleep() }
/// ```
package struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed.
    package enum Kind: String, Sendable, Hashable {
        /// The host name (or the proxy's) did not resolve.
        case dns
        /// The TCP connection was refused or could not be made.
        case connect
        /// The TLS handshake failed or the server's certificate was not trusted.
        case tls
        /// A connect, total or low-speed timeout expired.
        case timeout
        /// The connection was reset or closed before a complete response arrived.
        case reset
        /// The calling task was cancelled or the transport shut down.
        case cancelled
        /// The request could not be built (bad URL, unsupported scheme).
        case invalidRequest
        /// Anything else libcurl reported.
        case other
    }

    /// What failed.
    package let kind: Kind
    /// The host of the request's URL (never the path or query, which may carry tokens).
    package let host: String
    /// libcurl's own words, or ours.
    package let detail: String
    /// libcurl's result code, when libcurl reported the failure.
    package let curlCode: Int?

    package init(kind: Kind, host: String, detail: String, curlCode: Int? = nil) {
        self.kind = kind
        self.host = host
        self.detail = detail
        self.curlCode = curlCode
    }

    /// True when the request certainly never reached the server (name lookup or connection
    /// failed), so sending it again cannot apply it twice, whatever the method.
    package var isRetrySafe: Bool { kind == .dns || kind == .connect }

    /// True when trying again later may succeed: DNS, connect, timeout and reset failures.
    /// TLS failures are not transient: an untrusted certificate stays untrusted.
    package var isTransient: Bool {
        switch kind {
        case .dns, .connect, .timeout, .reset: true
        case .tls, .cancelled, .invalidRequest, .other: false
        }
    }

    package var description: String {
        let code = curlCode.map { " (curl \($0))" } ?? ""
        return "\(kind.rawValue) failure talking to \(host): \(detail)\(code)"
    }
}
