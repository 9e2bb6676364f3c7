// Transport throughput: requests per second of leadsync's libcurl transport posting 20 KB bodies
// to a minimal loopback server (LeadSyncHTTPServer answering a small JSON body), over one
// kept-alive connection and over several, beside the curl command line's figure for the same
// requests against the same server in the same run.
// Usage: TransportBenchmark [requests] [connections] (defaults 5,000 and 4).

import Foundation
import LeadSyncHTTP
import LeadSyncHTTPServer

@main
struct TransportBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        let requests = arguments.first.flatMap(Int.init) ?? 5_000
        let connections = arguments.dropFirst().first.flatMap(Int.init) ?? 4
        let body = Data((0..<20_480).map { UInt8(97 + $0 % 26) })
        let answer = Array(#"{"status":"COMPLETE","results":[]}"#.utf8)
        let server = HTTPServer { _ in
            HTTPServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: answer)
        }
        let port = try server.start()
        defer { server.stop() }
        let url = "http://127.0.0.1:\(port)/bench"
        print("TransportBenchmark: \(requests) POSTs of \(body.count) bytes to \(url)")

        let curl = try CurlCommandLine(url: url, body: body)
        // Warm up both sides (connection setup, page faults) before measuring.
        _ = try await swiftRate(url: url, body: body, requests: 200, connections: connections)
        _ = try curl.rate(requests: 200, connections: connections)

        var rows: [(String, Double, Double)] = []
        for width in [1, connections] {
            let ours = try await swiftRate(url: url, body: body, requests: requests, connections: width)
            let theirs = try curl.rate(requests: requests, connections: width)
            rows.append(("\(width) connection\(width == 1 ? "" : "s")", ours, theirs))
        }
        print("| connections | leadsync CurlTransport req/s | curl CLI req/s | ratio |")
        print("|---|---|---|---|")
        for (label, ours, theirs) in rows {
            print("| \(label) | \(Int(ours)) | \(Int(theirs)) | \(String(format: "%.2f", ours / theirs)) |")
        }
    }

    /// Requests per second with `connections` requests in flight at once.
    static func swiftRate(url: String, body: Data, requests: Int, connections: Int) async throws -> Double {
        var configuration = CurlTransport.Configuration()
        configuration.maxConnectionsPerHost = connections
        let transport = CurlTransport(configuration: configuration)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let request = HTTPRequest(method: .post, url: url, headers: headers, body: body)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<connections {
                group.addTask {
                    for _ in stride(from: worker, to: requests, by: connections) {
                        let response = try await transport.send(request)
                        precondition(response.status == 200, "server answered \(response.status)")
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(requests) / seconds(ContinuousClock.now - started)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The `curl` command line sending the same POSTs: one process, every URL in a config file, so
/// one connection is kept alive (and `--parallel` spreads them over several).
struct CurlCommandLine {
    let url: String
    let directory: URL

    init(url: String, body: Data) throws {
        self.url = url
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("transport-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try body.write(to: directory.appendingPathComponent("body"))
    }

    func rate(requests: Int, connections: Int) throws -> Double {
        let config = directory.appendingPathComponent("config-\(requests)")
        let entry =
            "url = \"\(url)\"\noutput = \"/dev/null\"\ndata-binary = \"@\(directory.path)/body\"\n"
            + "header = \"Content-Type: application/json\"\nheader = \"Expect:\"\n"
        try Array(repeating: entry, count: requests).joined(separator: "next\n").write(
            to: config, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["curl", "--silent", "--no-progress-meter", "--fail", "--http1.1"]
            + (connections > 1 ? ["--parallel", "--parallel-immediate", "--parallel-max", String(connections)] : [])
            + ["--config", config.path]
        let started = ContinuousClock.now
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CurlFailed(status: process.terminationStatus) }
        return Double(requests) / TransportBenchmark.seconds(ContinuousClock.now - started)
    }

    struct CurlFailed: Error { let status: Int32 }
}
