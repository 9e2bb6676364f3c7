import Foundation
import LeadSyncHTTPServer
import LeadSyncTestKit
import Testing

@Suite("HTTP server")
struct HTTPServerTests {
    /// A server echoing method, path, query and body, with a small body limit.
    private func echoServer() throws -> (HTTPServer, Int) {
        var limits = HTTPServer.Limits()
        limits.maxBodyBytes = 1024
        let server = HTTPServer(limits: limits) { request in
            let text =
                "\(request.method) \(request.path) \(request.query) \(String(decoding: request.body, as: UTF8.self))"
            return HTTPServerResponse(status: 200, contentType: "text/plain", text: text)
        }
        return (server, try server.start(port: 0))
    }

    @Test func keepAliveServesManyRequestsOnOneConnection() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        for i in 0..<50 {
            let answer = try client.send("POST", "/echo?i=\(i)", body: Array("body-\(i)".utf8))
            #expect(answer.text == "POST /echo i=\(i) body-\(i)")
            #expect(answer.header("Connection") == "keep-alive")
        }
    }

    @Test func chunkedBodiesAndExpectContinue() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        let chunked = try client.send(
            "POST", "/c", headers: [("Transfer-Encoding", "chunked")],
            body: Array("5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n".utf8))
        #expect(chunked.text == "POST /c  hello world")

        try client.write(Array("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n".utf8))
        #expect(try client.readResponse(interim: true).status == 100)
        try client.write(Array("abc".utf8))
        #expect(try client.readResponse().text == "POST /e  abc")
    }

    @Test func oversizedBodyIs413AndConnectionCloses() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        let answer = try client.send("POST", "/big", body: [UInt8](repeating: 65, count: 2048))
        #expect(answer.status == 413)
        #expect(answer.header("Connection") == "close")
    }

    @Test func gzipWhenAskedAndIdentityOtherwise() throws {
        let text = String(repeating: "leadsync ", count: 200)
        let server = HTTPServer { _ in HTTPServerResponse(status: 200, contentType: "text/plain", text: text) }
        let port = try server.start(port: 0)
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        let plain = try client.send("GET", "/")
        #expect(plain.header("Content-Encoding") == nil)
        #expect(plain.text == text)
        let zipped = try client.send("GET", "/", headers: [("Accept-Encoding", "gzip, deflate")])
        #expect(zipped.header("Content-Encoding") == "gzip")
        #expect(zipped.body.count < text.utf8.count / 10)
        #expect(Array(zipped.body.prefix(2)) == [0x1F, 0x8B])
        #expect(try gunzip(zipped.body) == text)
    }

    @Test func everyGzippedAnswerOnOneConnectionDecodes() throws {
        // The connection reuses one deflate stream: each answer must be a whole gzip member of
        // its own body, nothing carried over from the previous one.
        let server = HTTPServer { request in
            HTTPServerResponse(
                status: 200, contentType: "text/plain", text: String(repeating: "\(request.path) ", count: 300))
        }
        let port = try server.start(port: 0)
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        for path in ["/first", "/second", "/", "/fourth-and-longer"] {
            let zipped = try client.send("GET", path, headers: [("Accept-Encoding", "gzip")])
            #expect(zipped.header("Content-Encoding") == "gzip")
            #expect(zipped.header("Connection") == "keep-alive")
            #expect(try gunzip(zipped.body) == String(repeating: "\(path) ", count: 300))
        }
    }

    @Test func headerNamesMatchWithoutCaseAndValuesLoseSurroundingSpaces() throws {
        let server = HTTPServer { request in
            HTTPServerResponse(
                status: 200, contentType: "text/plain",
                text: "[\(request.header("x-padded") ?? "none")] " + String(repeating: "x", count: 400))
        }
        let port = try server.start(port: 0)
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        try client.write(
            Array("GET / HTTP/1.1\r\nHost: a\r\nACCEPT-encoding:\t gzip \t\r\nX-Padded:  two words \r\n\r\n".utf8))
        let answer = try client.readResponse()
        #expect(answer.header("Content-Encoding") == "gzip")
        #expect(try gunzip(answer.body).hasPrefix("[two words] x"))
    }

    /// `body` decoded by the system's gzip, an implementation independent of the server's.
    private func gunzip(_ body: [UInt8]) throws -> String {
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gunzip.arguments = ["-c", "gzip -dc"]
        let input = Pipe()
        let output = Pipe()
        gunzip.standardInput = input
        gunzip.standardOutput = output
        try gunzip.run()
        input.fileHandleForWriting.write(Data(body))
        try input.fileHandleForWriting.close()
        let decoded = output.fileHandleForReading.readDataToEndOfFile()
        gunzip.waitUntilExit()
        return String(decoding: decoded, as: UTF8.self)
    }

    @Test func stopClosesListenerAndLiveConnections() throws {
        let (server, port) = try echoServer()
        let client = LoopbackHTTPClient(port: port)
        #expect(try client.send("GET", "/").status == 200)
        server.stop()
        #expect(throws: LoopbackHTTPClient.Failure.self) { try client.send("GET", "/") }
        #expect(throws: LoopbackHTTPClient.Failure.self) { try LoopbackHTTPClient(port: port).send("GET", "/") }
    }

    @Test func malformedRequestLineIs400() throws {
        let (server, port) = try echoServer()
        defer { server.stop() }
        let client = LoopbackHTTPClient(port: port)
        try client.write(Array("NONSENSE\r\n\r\n".utf8))
        #expect(try client.readResponse().status == 400)
    }

    @Test func queryAndFormDecoding() {
        let request = HTTPServerRequest(method: "GET", path: "/p", query: "a=1&b=x%40y.com&c=two+words&a=2")
        #expect(request.queryItems.map(\.value) == ["1", "x@y.com", "two words", "2"])
        #expect(request.queryValue("a") == "1")
    }
}

@Suite("Simulator compression")
struct SimulatorCompressionTests {
    @Test func gzipFollowsTheClientAndTheConfiguration() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let zipped = try client.json(
            "GET", ContactInputs.contacts, token: harness.token, headers: [("Accept-Encoding", "gzip")])
        #expect(zipped.header("Content-Encoding") == "gzip")
        harness.simulator.updateConfiguration { $0.compressResponses = false }
        let plain = try client.json(
            "GET", ContactInputs.contacts, token: harness.token, headers: [("Accept-Encoding", "gzip")])
        #expect(plain.header("Content-Encoding") == nil)
        #expect(plain.json["results"] != nil)
    }
}
