import Foundation
import LeadSyncSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Serves one accepted connection on its own thread: reads requests one after another
/// (keep-alive), calls the handler, and writes or withholds the answer as its disposition says.
struct HTTPConnection {
    let fd: Int32
    let server: HTTPServer

    /// Bytes received but not consumed yet, from `start`.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Compresses this connection's answers; made at the first answer a client takes gzipped.
    private var gzip: GzipEncoder?

    init(fd: Int32, server: HTTPServer) {
        self.fd = fd
        self.server = server
        buffer.reserveCapacity(64 * 1024)
    }

    /// A request head: the request line and header fields.
    private struct Head {
        var method: String
        var target: String
        var version: String
        var headers: [(name: String, value: String)]
    }

    private enum Failure: Error {
        /// The peer closed, timed out, or the socket failed: just close.
        case closed
        /// The request is unacceptable: answer with this status, then close.
        case reject(Int, String)
    }

    mutating func run() {
        while true {
            do {
                guard let head = try readHead() else { return }
                let request = try readRequest(head)
                var response = server.handler(request)
                switch response.disposition {
                case .respond: break
                case .delay(let ms): Self.sleep(milliseconds: ms)
                case .reset:
                    var linger = linger(l_onoff: 1, l_linger: 0)
                    _ = setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
                    return
                case .hangThenDrop(let ms):
                    Self.sleep(milliseconds: ms)
                    return
                }
                let keepAlive = Self.keepsAlive(head) && !response.closesConnection
                compress(&response, for: request)
                let written = write(response, keepAlive: keepAlive, headOnly: head.method == "HEAD")
                if written, !keepAlive { closeGracefully() }
                response.onDelivered?()
                if !written || !keepAlive { return }
            } catch Failure.reject(let status, let message) {
                let written = write(
                    HTTPServerResponse(status: status, contentType: "text/plain; charset=utf-8", text: message),
                    keepAlive: false, headOnly: false)
                if written { closeGracefully() }
                return
            } catch {
                return
            }
        }
    }

    /// Gzips the body for a client that accepts it, unless the handler forbade it or encoded the
    /// body itself.
    private mutating func compress(_ response: inout HTTPServerResponse, for request: HTTPServerRequest) {
        // Searched as bytes: `String.contains` here is Foundation's, which bridges to NSString.
        guard response.compressible, !response.body.isEmpty, let encoding = request.header("Accept-Encoding"),
            encoding.utf8.contains("gzip".utf8),
            !response.headers.contains(where: { HTTPFieldName.same($0.name, "Content-Encoding") })
        else { return }
        let encoder = gzip ?? GzipEncoder()
        gzip = encoder
        guard let compressed = encoder.compress(response.body) else { return }
        response.body = compressed
        response.headers.append(("Content-Encoding", "gzip"))
        response.headers.append(("Vary", "Accept-Encoding"))
    }

    private static func keepsAlive(_ head: Head) -> Bool {
        let connection =
            head.headers.first { HTTPFieldName.same($0.name, "Connection") }?.value.lowercased() ?? ""
        if head.version == "HTTP/1.0" { return connection.contains("keep-alive") }
        return !connection.contains("close")
    }

    private static func sleep(milliseconds: Int) {
        guard milliseconds > 0 else { return }
        usleep(UInt32(min(milliseconds, 3_600_000)) * 1000)
    }

    // MARK: Reading

    /// Reads until a full head is buffered; nil when the peer closed cleanly between requests.
    private mutating func readHead() throws -> Head? {
        var scanFrom = start
        while true {
            if let end = Self.find(crlfcrlf: buffer, from: scanFrom, start: start) {
                let head = try parseHead(buffer[start..<end])
                start = end + 4
                return head
            }
            if buffer.count - start > server.limits.maxHeaderBytes {
                throw Failure.reject(431, "request head larger than \(server.limits.maxHeaderBytes) bytes")
            }
            scanFrom = max(start, buffer.count - 3)
            guard try fill() else {
                if buffer.count == start { return nil }
                throw Failure.closed
            }
        }
    }

    private static func find(crlfcrlf bytes: [UInt8], from: Int, start: Int) -> Int? {
        var i = max(from, start)
        let end = bytes.count - 3
        while i < end {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// Splits a head into its request line and fields, on bytes: the head is ASCII by the
    /// protocol, and decoding it to a `String` to split it cost more than the rest of reading a request.
    private func parseHead(_ bytes: ArraySlice<UInt8>) throws -> Head {
        var lines = Self.lines(bytes)[...]
        // Tolerate stray CRLFs before a request line (RFC 9112 §2.2).
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.popFirst() else { throw Failure.reject(400, "missing request line") }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].starts(with: "HTTP/1.".utf8) else {
            throw Failure.reject(400, "malformed request line")
        }
        var headers: [(name: String, value: String)] = []
        headers.reserveCapacity(12)
        for line in lines {
            guard let colon = line.firstIndex(of: 0x3A) else { throw Failure.reject(400, "malformed header line") }
            // Optional whitespace around a field value is spaces and tabs (RFC 9110 §5.5).
            var value = line[(colon + 1)...]
            while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
            while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
            headers.append((Self.text(line[..<colon]), Self.text(value)))
        }
        return Head(
            method: Self.text(parts[0]), target: Self.text(parts[1]), version: Self.text(parts[2]), headers: headers)
    }

    /// The lines of a head, split at each CRLF.
    private static func lines(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = bytes.startIndex
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            if bytes[i] == 13, bytes[i + 1] == 10 {
                lines.append(bytes[lineStart..<i])
                i += 2
                lineStart = i
            } else {
                i += 1
            }
        }
        lines.append(bytes[lineStart...])
        return lines
    }

    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

    private mutating func readRequest(_ head: Head) throws -> HTTPServerRequest {
        func header(_ name: String) -> String? {
            head.headers.first { HTTPFieldName.same($0.name, name) }?.value
        }
        let path: String
        let query: String
        if let mark = head.target.firstIndex(of: "?") {
            path = String(head.target[..<mark])
            query = String(head.target[head.target.index(after: mark)...])
        } else {
            path = head.target
            query = ""
        }
        let continueExpected = header("expect")?.lowercased() == "100-continue"
        var body: [UInt8] = []
        if let encoding = header("transfer-encoding")?.lowercased(), encoding.contains("chunked") {
            if continueExpected { try sendContinue() }
            body = try readChunked()
        } else if let lengthText = header("content-length") {
            guard let length = Int(lengthText), length >= 0 else {
                throw Failure.reject(400, "invalid Content-Length \"\(lengthText)\"")
            }
            guard length <= server.limits.maxBodyBytes else {
                throw Failure.reject(413, "request body of \(length) bytes exceeds \(server.limits.maxBodyBytes)")
            }
            if continueExpected, buffer.count - start < length { try sendContinue() }
            while buffer.count - start < length {
                guard try fill() else { throw Failure.closed }
            }
            body = Array(buffer[start..<(start + length)])
            start += length
        }
        compact()
        return HTTPServerRequest(method: head.method, path: path, query: query, headers: head.headers, body: body)
    }

    private mutating func readChunked() throws -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0 else {
                throw Failure.reject(400, "malformed chunk size \"\(sizeLine)\"")
            }
            if size == 0 {
                // Trailer fields until an empty line.
                while try !readLine().isEmpty {}
                return body
            }
            guard body.count + size <= server.limits.maxBodyBytes else {
                throw Failure.reject(413, "request body exceeds \(server.limits.maxBodyBytes) bytes")
            }
            while buffer.count - start < size + 2 {
                guard try fill() else { throw Failure.closed }
            }
            body.append(contentsOf: buffer[start..<(start + size)])
            start += size + 2
        }
    }

    private mutating func readLine() throws -> String {
        while true {
            var i = start
            while i + 1 < buffer.count {
                if buffer[i] == 13, buffer[i + 1] == 10 {
                    let line = String(decoding: buffer[start..<i], as: UTF8.self)
                    start = i + 2
                    return line
                }
                i += 1
            }
            guard buffer.count - start < 8 * 1024 else { throw Failure.reject(400, "chunk line too long") }
            guard try fill() else { throw Failure.closed }
        }
    }

    /// Reads what the socket has into the buffer; false on orderly close or timeout.
    private mutating func fill() throws -> Bool {
        compact()
        let chunk = 64 * 1024
        var received = 0
        let incoming = [UInt8](unsafeUninitializedCapacity: chunk) { raw, count in
            repeat {
                received = recv(fd, raw.baseAddress!, chunk, 0)
            } while received < 0 && errno == EINTR
            count = max(received, 0)
        }
        if received < 0 { throw Failure.closed }
        buffer.append(contentsOf: incoming)
        return received > 0
    }

    /// Drops consumed bytes once they dominate the buffer, so it does not grow with each request.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 32 * 1024 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private func sendContinue() throws {
        guard sendAll(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { throw Failure.closed }
    }

    // MARK: Writing

    /// Sends the status line, the fields and the body in one buffer (one `send` for most answers).
    private func write(_ response: HTTPServerResponse, keepAlive: Bool, headOnly: Bool) -> Bool {
        let sendsBody = !headOnly && response.status != 204
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512 + (sendsBody ? response.body.count : 0))
        func field(_ name: String, _ value: String) {
            bytes.append(contentsOf: name.utf8)
            bytes.append(contentsOf: ": ".utf8)
            bytes.append(contentsOf: value.utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(
            contentsOf: "HTTP/1.1 \(response.status) \(HTTPServerResponse.reasonPhrase(response.status))\r\n".utf8)
        for (name, value) in response.headers { field(name, value) }
        if response.status != 204 && response.status != 304 { field("Content-Length", String(response.body.count)) }
        field("Connection", keepAlive ? "keep-alive" : "close")
        bytes.append(contentsOf: "\r\n".utf8)
        if sendsBody { bytes.append(contentsOf: response.body) }
        return sendAll(bytes)
    }

    /// Ends the connection without a reset: no more writes (FIN), then read and drop whatever
    /// the client still sends until it closes or 2 seconds pass. Closing a socket with unread
    /// bytes sends an RST, which can destroy an answer the client has not read yet.
    private func closeGracefully() {
        _ = shutdown(fd, Int32(SHUT_WR))
        var timeout = timeval(tv_sec: 0, tv_usec: 250_000)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = DispatchTime.now() + .seconds(2)
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while DispatchTime.now() < deadline {
            let received = recv(fd, &scratch, scratch.count, 0)
            if received == 0 { return }
            if received < 0, errno != EINTR, errno != EAGAIN, errno != EWOULDBLOCK { return }
        }
    }

    private func sendAll(_ bytes: [UInt8]) -> Bool {
        #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
        #else
            let flags: Int32 = 0
        #endif
        return bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let sent = send(fd, raw.baseAddress! + offset, raw.count - offset, flags)
                if sent < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += sent
            }
            return true
        }
    }
}
