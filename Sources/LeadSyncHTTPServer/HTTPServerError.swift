#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server could not start listening.
package enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// The host is not an IPv4 or IPv6 literal nor `localhost`.
    case unsupportedHost(String)
    /// A socket call failed; `call` names it, `errno` is the system's code.
    case socket(call: String, host: String, port: Int, errno: Int32)
    /// `start` was called on a server that is already running.
    case alreadyStarted

    package var description: String {
        switch self {
        case .unsupportedHost(let host):
            "cannot listen on host \"\(host)\": give an IPv4 or IPv6 address or localhost"
        case .socket(let call, let host, let port, let code):
            "\(call) failed for \(host):\(port): \(String(cString: strerror(code))) (errno \(code))"
        case .alreadyStarted:
            "the HTTP server is already running"
        }
    }
}
