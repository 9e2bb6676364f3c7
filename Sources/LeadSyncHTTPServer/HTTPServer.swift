import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A small HTTP/1.1 server on POSIX sockets.
///
/// One thread accepts; each connection gets its own thread, so a handler may block (sleep for
/// simulated latency, take a lock) without touching Swift's cooperative pool. Supports keep-alive,
/// `Content-Length` and chunked request bodies, `Expect: 100-continue`, size limits and gzip
/// responses. Pipelined requests are answered in order but not read ahead.
///
/// ```swift
/// let server = HTTPServer { request in
///     HTTPServerResponse(status: 200, contentType: "text/plain", text: "ok")
/// }
/// let port = try server.start(port: 0)
/// defer { server.stop() }
/// ```
package final class HTTPServer: Sendable {
    /// Bounds on what a client may send.
    package struct Limits: Sendable {
        /// Largest request line plus headers; more gets 431 and the connection closes.
        package var maxHeaderBytes = 64 * 1024
        /// Largest request body; more gets 413 and the connection closes.
        package var maxBodyBytes = 64 * 1024 * 1024
        /// An idle keep-alive connection is closed after this many seconds.
        package var idleTimeoutSeconds = 120
        package init() {}
    }

    package typealias Handler = @Sendable (HTTPServerRequest) -> HTTPServerResponse

    private struct State {
        var listener: Int32 = -1
        var running = false
        var connections: Set<Int32> = []
    }

    let limits: Limits
    let handler: Handler
    private let state = Mutex(State())
    private let acceptExited = DispatchSemaphore(value: 0)

    package init(limits: Limits = Limits(), handler: @escaping Handler) {
        self.limits = limits
        self.handler = handler
    }

    /// Binds `host` (an IPv4/IPv6 literal or `localhost`) on `port` (0 = any free port), starts
    /// accepting, and returns the bound port.
    package func start(host: String = "127.0.0.1", port: Int = 0) throws -> Int {
        guard state.withLock({ !$0.running }) else { throw HTTPServerError.alreadyStarted }
        let (fd, bound) = try Self.listen(host: host, port: port)
        state.withLock {
            $0.listener = fd
            $0.running = true
        }
        Thread.detachNewThread { [self] in acceptLoop(fd) }
        return bound
    }

    /// Stops accepting, closes the listener and every live connection. Idempotent.
    package func stop() {
        let listener: Int32? = state.withLock { s in
            guard s.running else { return nil }
            s.running = false
            for fd in s.connections { _ = shutdown(fd, Int32(SHUT_RDWR)) }
            _ = shutdown(s.listener, Int32(SHUT_RDWR))
            return s.listener
        }
        guard listener != nil else { return }
        _ = acceptExited.wait(timeout: .now() + .seconds(5))
    }

    private func acceptLoop(_ listener: Int32) {
        defer {
            close(listener)
            acceptExited.signal()
        }
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if !state.withLock({ $0.running }) { return }
                if errno == EMFILE || errno == ENFILE {
                    usleep(10_000)
                    continue
                }
                return
            }
            let admitted = state.withLock { s -> Bool in
                guard s.running else { return false }
                s.connections.insert(client)
                return true
            }
            guard admitted else {
                close(client)
                return
            }
            Self.configure(client: client, idleTimeoutSeconds: limits.idleTimeoutSeconds)
            Thread.detachNewThread { [self] in
                var connection = HTTPConnection(fd: client, server: self)
                connection.run()
                state.withLock { _ = $0.connections.remove(client) }
                close(client)
            }
        }
    }

    private static func configure(client: Int32, idleTimeoutSeconds: Int) {
        var one: Int32 = 1
        _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: idleTimeoutSeconds, tv_usec: 0)
        _ = setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
            _ = setsockopt(client, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private static func listen(host: String, port: Int) throws -> (Int32, Int) {
        let literal = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        var v6 = in6_addr()
        let family: Int32
        if inet_pton(AF_INET, literal, &v4) == 1 {
            family = AF_INET
        } else if inet_pton(AF_INET6, literal, &v6) == 1 {
            family = AF_INET6
        } else {
            throw HTTPServerError.unsupportedHost(host)
        }
        #if canImport(Glibc)
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw HTTPServerError.socket(call: "socket", host: host, port: port, errno: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bindResult: Int32
        if family == AF_INET {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr = v4
            bindResult = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        } else {
            _ = setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &one, socklen_t(MemoryLayout<Int32>.size))
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = in_port_t(UInt16(port).bigEndian)
            address.sin6_addr = v6
            bindResult = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
        guard bindResult == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError.socket(call: "bind", host: host, port: port, errno: code)
        }
        #if canImport(Glibc)
            let listening = Glibc.listen(fd, 512)
        #else
            let listening = Darwin.listen(fd, 512)
        #endif
        guard listening == 0 else {
            let code = errno
            close(fd)
            throw HTTPServerError.socket(call: "listen", host: host, port: port, errno: code)
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let boundPort: UInt16 = withUnsafePointer(to: &storage) { pointer in
            if family == AF_INET {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    UInt16(bigEndian: $0.pointee.sin6_port)
                }
            }
        }
        return (fd, Int(boundPort))
    }
}
