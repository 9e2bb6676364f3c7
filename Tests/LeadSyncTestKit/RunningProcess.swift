internal import Foundation

/// A child process still running: read its stderr line by line, kill it, wait for it.
public final class RunningProcess: @unchecked Sendable {
    // Only the test that started the process uses it; `pending` is touched by `nextErrorLine`.
    private let process = Process()
    private let stderr = Pipe()
    private var pending: [UInt8] = []

    init(url: URL, arguments: [String], environment: [String: String]) throws {
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderr
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    /// The next line the process wrote on stderr, or nil once it closed stderr. Blocks until a
    /// line arrives.
    public func nextErrorLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeSubrange(...newline)
                return line
            }
            let data = stderr.fileHandleForReading.availableData
            if data.isEmpty {
                guard !pending.isEmpty else { return nil }
                defer { pending.removeAll() }
                return String(decoding: pending, as: UTF8.self)
            }
            pending.append(contentsOf: data)
        }
    }

    /// Sends SIGKILL: the process gets no chance to clean up.
    public func kill() { _ = Foundation.kill(process.processIdentifier, SIGKILL) }

    /// Waits at most `seconds` for the process to end: its exit status (or the signal number),
    /// or nil when it still runs.
    public func wait(atMost seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            guard Date() < deadline else { return nil }
            usleep(10_000)
        }
        return wait()
    }

    /// Waits for the process to end and returns its exit status (or the signal number).
    @discardableResult
    public func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }
}
