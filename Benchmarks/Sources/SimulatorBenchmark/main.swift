// Simulator throughput: upserted contacts per second on one connection (one server thread) with
// no latency and no limits, beside two baselines measured in the same run:
//   - transport: the same requests answered by an echo server on the same HTTP stack;
//   - core: the same requests handed to the simulator in-process, without sockets.
// Each figure is given per wall-clock second and per CPU second (this thread for the in-process
// run, the whole process — client included — over HTTP), so a machine shared with other work
// still yields a usable per-core figure.
// Usage: SimulatorBenchmark [contacts] (default 200,000; batches of 100).

import Foundation
import HubSpotSimulator
import LeadSyncHTTPServer

#if canImport(Glibc)
    import Glibc
#endif

let contacts = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200_000
let batches = max(1, contacts / 100)
let token = "pat-na1-bench"

/// One upsert body of 100 contacts with the fields a lead carries; `round` varies the values so
/// a second pass updates rather than creates.
func upsertBody(batch: Int, round: Int) -> [UInt8] {
    var inputs: [String] = []
    inputs.reserveCapacity(100)
    for i in 0..<100 {
        let n = batch * 100 + i
        inputs.append(
            #"{"id":"lead\#(n)@example.com","idProperty":"email","objectWriteTraceId":"lead-\#(n):seq-\#(round)","#
                + #""properties":{"firstname":"First\#(n)","lastname":"Last\#(round)","company":"Company \#(n % 977)","#
                + #""phone":"+1 555 \#(n % 10_000)","jobtitle":"Engineer","lifecyclestage":"lead","budget":"\#(n % 5000).50"}}"#
        )
    }
    return Array(#"{"inputs":[\#(inputs.joined(separator: ","))]}"#.utf8)
}

func request(_ body: [UInt8], gzip: Bool = false) -> [UInt8] {
    Array(
        ("POST /crm/v3/objects/contacts/batch/upsert HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
            + (gzip ? "Accept-Encoding: gzip\r\n" : "")
            + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n").utf8) + body
}

/// CPU seconds used so far by the calling thread or the whole process.
func cpuSeconds(thread: Bool) -> Double {
    var time = timespec()
    clock_gettime(thread ? CLOCK_THREAD_CPUTIME_ID : CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Resident memory of the process in bytes (Linux `/proc/self/statm`), 0 where unavailable.
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
        let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Sends every request on one keep-alive connection, reading each answer before the next.
/// Returns seconds elapsed and the statuses seen.
func drive(port: Int, requests: [[UInt8]]) -> (seconds: Double, cpu: Double, statuses: [Int: Int]) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    var one: Int32 = 1
    _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    defer { close(fd) }
    var statuses: [Int: Int] = [:]
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    let start = DispatchTime.now()
    let cpuStart = cpuSeconds(thread: false)
    for bytes in requests {
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
        var have = 0
        var needed = Int.max
        var status = 0
        while have < needed {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + have, $0.count - have, 0) }
            guard got > 0 else { fatalError("connection closed after \(have) bytes") }
            have += got
            if needed == .max,
                let end = (0..<max(0, have - 3)).first(where: {
                    buffer[$0] == 13 && buffer[$0 + 1] == 10 && buffer[$0 + 2] == 13 && buffer[$0 + 3] == 10
                })
            {
                let head = String(decoding: buffer[0..<end], as: UTF8.self).lowercased()
                status = Int(head.split(separator: " ")[1]) ?? 0
                let length =
                    head.components(separatedBy: "content-length: ").dropFirst().first
                    .flatMap { Int($0.prefix { $0.isNumber }) } ?? 0
                needed = end + 4 + length
            }
        }
        statuses[status, default: 0] += 1
    }
    let end = DispatchTime.now()
    return (
        Double(end.uptimeNanoseconds - start.uptimeNanoseconds) / 1e9, cpuSeconds(thread: false) - cpuStart, statuses
    )
}

func unlimited() -> SimulatorConfiguration {
    var configuration = SimulatorConfiguration()
    configuration.rateLimit = nil
    configuration.oauthRateLimit = nil
    configuration.dailyLimit = nil
    return configuration
}

let creates = (0..<batches).map { upsertBody(batch: $0, round: 1) }
let updates = (0..<batches).map { upsertBody(batch: $0, round: 2) }
let total = batches * 100
print("hubspot-sim throughput: \(batches) upsert batches of 100 (\(total) contacts), one connection, no latency")

// Baseline 1: transport only (echo server, same request and answer sizes as the creates).
let sampleAnswer: [UInt8] = {
    let simulator = HubSpotSimulator(configuration: unlimited())
    simulator.registerToken(token)
    return simulator.handle(
        HTTPServerRequest(
            method: "POST", path: "/crm/v3/objects/contacts/batch/upsert",
            headers: [("Authorization", "Bearer \(token)")], body: creates[0])
    ).body
}()
let echo = HTTPServer { _ in
    HTTPServerResponse(status: 200, headers: [("Content-Type", "application/json")], body: sampleAnswer)
}
let echoPort = try echo.start()
let transport = drive(port: echoPort, requests: creates.map { request($0) })
echo.stop()

// Baseline 2: the simulator core in-process, no sockets.
let core = HubSpotSimulator(configuration: unlimited())
core.registerToken(token)
let coreStart = DispatchTime.now()
let coreCPUStart = cpuSeconds(thread: true)
for body in creates {
    _ = core.handle(
        HTTPServerRequest(
            method: "POST", path: "/crm/v3/objects/contacts/batch/upsert",
            headers: [("Authorization", "Bearer \(token)")], body: body))
}
let coreSeconds = Double(DispatchTime.now().uptimeNanoseconds - coreStart.uptimeNanoseconds) / 1e9
let coreCPU = cpuSeconds(thread: true) - coreCPUStart

// The figure: the simulator over HTTP, creating then updating.
let requestsToCreate = creates.map { request($0) }
let residentBefore = residentBytes()
let simulator = HubSpotSimulator(configuration: unlimited())
simulator.registerToken(token)
let port = try simulator.start()
let created = drive(port: port, requests: requestsToCreate)
let residentAfter = residentBytes()
let updated = drive(port: port, requests: updates.map { request($0) })
let zipped = drive(port: port, requests: creates.map { request($0, gzip: true) })
simulator.stop()
precondition(simulator.contacts().count == total, "expected \(total) contacts, have \(simulator.contacts().count)")
precondition(
    [created, updated, zipped].allSatisfy { $0.statuses == [200: batches] },
    "non-200 answers: \(created.statuses) \(updated.statuses) \(zipped.statuses)")

func rate(_ seconds: Double) -> String { String(format: "%8.0f", Double(total) / seconds) }
func line(_ name: String, wall: Double, cpu: Double, baseline: Double? = nil) {
    let ratio = baseline.map { String(format: "  ratio to transport %.2f", $0 / wall) } ?? ""
    print(
        name.padding(toLength: 38, withPad: " ", startingAt: 0)
            + "\(rate(wall)) contacts/s wall, \(rate(cpu)) per CPU-second\(ratio)")
}
line("transport baseline (echo server)", wall: transport.seconds, cpu: transport.cpu)
line("simulator core, in-process, creates", wall: coreSeconds, cpu: coreCPU)
line("simulator over HTTP, creates", wall: created.seconds, cpu: created.cpu, baseline: transport.seconds)
line("simulator over HTTP, updates", wall: updated.seconds, cpu: updated.cpu, baseline: transport.seconds)
line("simulator over HTTP, updates, gzip", wall: zipped.seconds, cpu: zipped.cpu, baseline: transport.seconds)
print(
    "memory held per stored contact (resident growth over the creates): \((residentAfter - residentBefore) / total) bytes"
)
