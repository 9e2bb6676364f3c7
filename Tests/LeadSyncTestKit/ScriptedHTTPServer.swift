import Foundation

/// A real HTTP server on loopback written as a short Python script, for the cases the Swift
/// server does not cover (TLS with a self-signed certificate, abrupt resets at chosen points).
///
/// The script must print `PORT <n>` on its first line of stdout once it listens, and should exit
/// when its stdin closes (so it never outlives a crashed test run). The process is killed when the
/// value is released or `stop()` is called.
public final class ScriptedHTTPServer: @unchecked Sendable {
    private let process = Process()
    /// Kept open while the server should run: the script exits when it reads end-of-file.
    private let lifeline = Pipe()
    /// The port the script reported.
    public let port: Int

    /// Starts `python3 -c script arguments…` and waits (up to 10 s) for its `PORT` line.
    public init(script: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-u", "-c", script] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = lifeline
        try process.run()
        var line = Data()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([10]) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let port = Int(text.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            throw ScriptedHTTPServerError(output: text)
        }
        self.port = port
    }

    deinit { stop() }

    /// Kills the script and waits for it. SIGKILL, because a test runner's blocked signal mask is
    /// inherited by its children and can leave SIGTERM pending forever.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// The script exited or printed something else before its `PORT` line.
public struct ScriptedHTTPServerError: Error, CustomStringConvertible {
    public let output: String
    public var description: String { "the server script did not report its port; it printed: \(output)" }
}
