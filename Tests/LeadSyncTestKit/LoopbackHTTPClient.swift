import Foundation

#if canImport(Glibc)
    import Glibc
    private let closeSocket: @Sendable (Int32) -> Int32 = Glibc.close
    private let streamSocket = Int32(SOCK_STREAM.rawValue)
    private let noSignal = Int32(MSG_NOSIGNAL)
#elseif canImport(Darwin)
    import Darwin
    private let closeSocket: @Sendable (Int32) -> Int32 = Darwin.close
    private let streamSocket = SOCK_STREAM
    private let noSignal: Int32 = 0
#endif

/// A tiny blocking HTTP/1.1 client over one keep-alive loopback connection, for tests that need
/// to see exactly what a server sends (statuses, headers, resets, hangs) with no client library
/// in between. Not thread-safe: one per test.
public final class LoopbackHTTPClient {
    /// One answer, with its body parsed as JSON on request.
    public struct Response: CustomStringConvertible {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
        public var text: String { String(decoding: body, as: UTF8.self) }
        /// The body as a JSON object (Foundation's parser, independent of the simulator's).
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }
        public var description: String { "HTTP \(status) \(text.prefix(600))" }
    }

    /// Why no answer came.
    public enum Failure: Error, Equatable {
        case connect(Int32)
        /// The server reset the connection.
        case reset
        /// The server closed the connection before a full answer.
        case closed
        case timedOut
    }

    public let port: Int
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    /// Seconds to wait for an answer before ``Failure/timedOut``.
    public var timeoutSeconds: Int

    public init(port: Int, timeoutSeconds: Int = 10) {
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { close() }

    public func close() {
        if fd >= 0 { _ = closeSocket(fd) }
        fd = -1
        buffer = []
    }

    /// Sends a request and reads the answer. `headers` are sent as given plus `Host` and
    /// `Content-Length` (unless a `Transfer-Encoding` header is given, then `body` is sent raw).
    public func send(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws(Failure) -> Response {
        try connectIfNeeded()
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !headers.contains(where: { $0.0.lowercased() == "transfer-encoding" }) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try write(Array(head.utf8) + body)
        return try readResponse(headOnly: method == "HEAD")
    }

    /// Sends JSON (`Content-Type: application/json`) with an optional bearer token.
    public func json(
        _ method: String, _ path: String, token: String? = nil, body: Any? = nil, headers: [(String, String)] = []
    ) throws -> Response {
        var all = headers
        if let token { all.append(("Authorization", "Bearer \(token)")) }
        var bytes: [UInt8] = []
        if let body {
            all.append(("Content-Type", "application/json"))
            bytes = Array(try JSONSerialization.data(withJSONObject: body))
        }
        return try send(method, path, headers: all, body: bytes)
    }

    /// Sends an `application/x-www-form-urlencoded` body.
    public func form(_ method: String, _ path: String, _ fields: [(String, String)]) throws -> Response {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map {
            "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.1)"
        }.joined(separator: "&")
        return try send(
            method, path, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
    }

    /// Writes raw bytes on the connection (for tests of partial or odd requests).
    public func write(_ bytes: [UInt8]) throws(Failure) {
        try connectIfNeeded()
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { sendBytes(fd, $0.baseAddress! + offset, bytes.count - offset) }
            guard sent > 0 else { throw errno == ECONNRESET ? .reset : .closed }
            offset += sent
        }
    }

    private func connectIfNeeded() throws(Failure) {
        guard fd < 0 else { return }
        let socketFD = socket(AF_INET, streamSocket, 0)
        guard socketFD >= 0 else { throw .connect(errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            _ = closeSocket(socketFD)
            throw .connect(code)
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        _ = setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = socketFD
    }

    private func fill() throws(Failure) {
        var received = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: 65_536) { raw, count in
            received = recv(fd, raw.baseAddress!, 65_536, 0)
            count = max(received, 0)
        }
        if received > 0 {
            buffer.append(contentsOf: chunk)
            return
        }
        let code = errno
        close()
        if received == 0 { throw .closed }
        if code == EAGAIN || code == EWOULDBLOCK { throw .timedOut }
        throw code == ECONNRESET ? .reset : .closed
    }

    /// Reads one answer from the connection (also after ``write(_:)``); an interim `100 Continue`
    /// is skipped unless `interim` asks for it.
    public func readResponse(headOnly: Bool = false, interim: Bool = false) throws(Failure) -> Response {
        var end: Int?
        while end == nil {
            if buffer.count >= 4 {
                for i in 0...(buffer.count - 4)
                where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                    end = i
                    break
                }
            }
            if end == nil { try fill() }
        }
        let head = String(decoding: buffer[0..<end!], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(end! + 4)
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [(name: String, value: String)] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(
                (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, headers: headers, body: [])
        if status == 100 { return interim ? response : try readResponse(headOnly: headOnly) }
        let length = headOnly ? 0 : Int(response.header("Content-Length") ?? "0") ?? 0
        while buffer.count < length { try fill() }
        response.body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        if response.header("Connection")?.lowercased() == "close" { close() }
        return response
    }
}

/// `send` without SIGPIPE; a free function because the client's own `send` method shadows it.
private func sendBytes(_ fd: Int32, _ pointer: UnsafeRawPointer, _ count: Int) -> Int {
    send(fd, pointer, count, noSignal)
}
