public import Foundation

/// An executable of this package as `swift build` left it (`leadsync`, `hubspot-sim`), run as a
/// real process the way a user or a script runs it.
///
/// Found beside the test bundle (the build folder), or in `LEADSYNC_BUILD_DIR` when set.
///
/// ```swift
/// let leadsync = try BuiltExecutable.named("leadsync")
/// let result = try leadsync.run(["status", "--json"], environment: ["LEADSYNC_DB": path])
/// #expect(result.status == 0)
/// ```
public struct BuiltExecutable: Sendable {
    public let url: URL

    /// Any executable, for a wrapper the test runs the product under (`/usr/bin/unshare`, `/bin/sh`).
    public init(url: URL) { self.url = url }

    /// Locates the executable `name` in the build folder.
    public static func named(_ name: String, filePath: String = #filePath) throws -> BuiltExecutable {
        var candidates: [URL] = []
        if let dir = ProcessInfo.processInfo.environment["LEADSYNC_BUILD_DIR"], !dir.isEmpty {
            candidates.append(URL(fileURLWithPath: dir))
        }
        // The test runner lives in the build folder (…/.build/<triple>/debug/<pkg>PackageTests.xctest).
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent())
        candidates.append(runner.deletingLastPathComponent().deletingLastPathComponent())
        // Fallback: <package>/.build/debug, from this file's place in Tests/LeadSyncTestKit/.
        let package = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug"))
        for directory in candidates {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: url.path) { return BuiltExecutable(url: url) }
        }
        throw LookupError(name: name, searched: candidates.map(\.path))
    }

    /// The executable was not in any of the folders searched.
    public struct LookupError: Error, CustomStringConvertible {
        public let name: String
        public let searched: [String]
        public var description: String {
            "\(name) not found in \(searched.joined(separator: ", ")); run `swift build` first or set LEADSYNC_BUILD_DIR"
        }
    }

    /// Runs the executable to completion with `arguments`, the current environment plus
    /// `environment`, and `stdin` as its standard input (empty by default).
    public func run(_ arguments: [String], environment: [String: String] = [:], stdin: Data = Data()) throws
        -> ProcessResult
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        // Files, not pipes, for the outputs: a large output can never block the child.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("leadsync-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let paths = ["in", "out", "err"].map { scratch.appendingPathComponent($0) }
        try stdin.write(to: paths[0])
        for path in paths[1...] { _ = FileManager.default.createFile(atPath: path.path, contents: nil) }
        process.standardInput = try FileHandle(forReadingFrom: paths[0])
        process.standardOutput = try FileHandle(forWritingTo: paths[1])
        process.standardError = try FileHandle(forWritingTo: paths[2])
        try process.run()
        process.waitUntilExit()
        return ProcessResult(
            status: process.terminationStatus, stdout: try Data(contentsOf: paths[1]),
            stderr: String(decoding: try Data(contentsOf: paths[2]), as: UTF8.self))
    }

    /// Starts the executable and returns at once; its stderr is readable line by line.
    public func start(_ arguments: [String], environment: [String: String] = [:]) throws -> RunningProcess {
        try RunningProcess(url: url, arguments: arguments, environment: environment)
    }
}

/// How a finished process ended and what it printed.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let stdout: Data
    public let stderr: String

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
}
