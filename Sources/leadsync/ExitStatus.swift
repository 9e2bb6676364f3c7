/// The exit codes of cli-contract.md.
enum ExitStatus: Int32 {
    case success = 0
    /// A failure the message explains.
    case failure = 1
    /// Bad usage or bad configuration; the message names the flag or setting.
    case usage = 2
    /// HubSpot access must be connected or reconnected.
    case notConnected = 3
    /// Stopped by a HubSpot daily limit.
    case dailyLimit = 4
    /// Stopped by `--max-seconds` with sendable changes left.
    case timeLimit = 5
    /// `sync --once` stopped by SIGINT with sendable changes left (128 + 2, as shells report it).
    case interrupted = 130
    /// `sync --once` stopped by SIGTERM with sendable changes left (128 + 15).
    case terminated = 143
}

/// An error a command reports with its own message and exit status.
struct CommandError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }
}
