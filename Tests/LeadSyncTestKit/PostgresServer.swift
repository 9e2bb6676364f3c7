public import Foundation

/// A throwaway PostgreSQL server for tests: a cluster made by `initdb` in a temporary directory,
/// listening on a free loopback port with its socket in that directory, stopped when the test
/// process exits.
///
/// One server serves the whole test process (`initdb` alone takes seconds on a loaded machine);
/// each test takes a database of its own with ``createDatabase()``, so tests run in parallel
/// without seeing each other's rows.
///
/// PostgreSQL refuses to run as root, and CI runs as root: then every server command runs as the
/// `postgres` user Debian's package creates (scripts/install-system-packages.sh installs it).
///
/// ```swift
/// let url = try PostgresServer.shared().createDatabase()   // postgres://postgres@127.0.0.1:PORT/t_…
/// ```
public final class PostgresServer: Sendable {
    /// The loopback port the server listens on.
    public let port: Int
    /// The cluster's directory (data, socket and log).
    public let directory: String
    private let binaries: String

    /// The server of this test process, started on first use. Blocks the calling thread while
    /// `initdb` and `pg_ctl` run (seconds on a loaded machine), as ``createDatabase()`` does while
    /// `createdb` runs: from async code, call them on a `Thread` of their own, neither on the
    /// cooperative pool nor on a GCD queue (`Process.waitUntilExit` needs a free GCD worker to
    /// learn of the exit, and callers blocked here behind the start would take them all).
    public static func shared() throws(PostgresServerError) -> PostgresServer {
        let server = try sharedStart.get()
        _ = stopAtExit
        return server
    }

    private static let sharedStart: Result<PostgresServer, PostgresServerError> = {
        do throws(PostgresServerError) { return .success(try start()) } catch { return .failure(error) }
    }()

    private static let stopAtExit: Void = {
        atexit { if case .success(let server) = PostgresServer.sharedStart { server.stop() } }
    }()

    /// Creates an empty database and returns its URL, `postgres://postgres@127.0.0.1:PORT/NAME`.
    public func createDatabase() throws(PostgresServerError) -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try Self.run(binaries + "/createdb", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", name])
        return "postgres://postgres@127.0.0.1:\(port)/\(name)"
    }

    private init(port: Int, directory: String, binaries: String) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
    }

    private static func start() throws(PostgresServerError) -> PostgresServer {
        let binaries = try serverBinaries()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("leadsync-pg-\(UUID().uuidString)")
        let data = root.appendingPathComponent("data").path
        do {
            // The server's user must reach the directory: the parent is world-readable, the cluster its own.
            try FileManager.default.createDirectory(
                atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
            if getuid() == 0 {
                try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: data)
            }
        } catch {
            throw PostgresServerError("cannot prepare \(data): \(error)")
        }
        try run(
            binaries + "/initdb",
            ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"], asServerUser: true)
        // A port free now may be taken before the server binds it: try a few.
        var failure = PostgresServerError("no attempt")
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            do throws(PostgresServerError) {
                try run(
                    binaries + "/pg_ctl",
                    [
                        "-D", data, "-w", "-l", data + "/server.log", "-o",
                        "-p \(port) -k \(data) -h 127.0.0.1 -c fsync=off -c max_connections=200", "start",
                    ], asServerUser: true)
                return PostgresServer(port: port, directory: data, binaries: binaries)
            } catch {
                failure = error
            }
        }
        throw failure
    }

    /// Stops the server at once and removes its directory.
    public func stop() {
        try? Self.run(binaries + "/pg_ctl", ["-D", directory, "-m", "immediate", "stop"], asServerUser: true)
        try? FileManager.default.removeItem(atPath: (directory as NSString).deletingLastPathComponent)
    }

    /// The newest installed server's binaries: Debian keeps each major version apart.
    private static func serverBinaries() throws(PostgresServerError) -> String {
        let base = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
        guard let newest = versions.compactMap(Int.init).max(),
            FileManager.default.isExecutableFile(atPath: "\(base)/\(newest)/bin/initdb")
        else {
            throw PostgresServerError(
                "no PostgreSQL server under \(base): run scripts/install-system-packages.sh")
        }
        return "\(base)/\(newest)/bin"
    }

    private static func freeLoopbackPort() throws(PostgresServerError) -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PostgresServerError("socket() failed: errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw PostgresServerError("cannot bind a loopback port: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a server command to its end (as the server's user when we are root); its output is
    /// the error's message when it fails.
    private static func run(_ tool: String, _ arguments: [String], asServerUser: Bool = false)
        throws(PostgresServerError)
    {
        let process = Process()
        if asServerUser, getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", tool] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = arguments
        }
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch { throw PostgresServerError("cannot start \(tool): \(error)") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        // Reaped here, not with `waitUntilExit` alone: for `runuser … pg_ctl start` that never
        // returned on Linux (the child was a zombie, its exit unseen by Foundation), while `waitpid`
        // sees it. When Foundation reaped the child first (ECHILD), it did see the exit.
        var status: Int32 = 0
        let exitStatus: Int32
        if waitpid(process.processIdentifier, &status, 0) == process.processIdentifier {
            // WIFEXITED and WEXITSTATUS, which Swift does not import.
            exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : -1
        } else if errno == ECHILD {
            process.waitUntilExit()
            exitStatus = process.terminationStatus
        } else {
            throw PostgresServerError("cannot wait for \(tool): errno \(errno)")
        }
        guard exitStatus == 0 else {
            throw PostgresServerError(
                "\(tool) \(arguments.joined(separator: " ")) exited \(exitStatus): \(text)")
        }
    }
}

/// Why the test server could not be started or used, with the failing command's output.
public struct PostgresServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
