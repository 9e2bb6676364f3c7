/// How a sync runs: once or following, its limits, and its pacing.
package struct SyncOptions: Sendable {
    /// Keep running after the journal is drained, pushing new changes as they arrive
    /// (`sync --follow`). Default false (`sync --once`).
    package var follow = false
    /// `--max-seconds`: start no new batch after this long. Default nil (no limit).
    package var maximumDuration: Duration?
    /// `--give-up-after`: stop when no request has succeeded for this long (`--once` only).
    /// Default 5 minutes: long enough to ride out a HubSpot incident's first retries.
    package var giveUpAfter: Duration? = .seconds(300)
    /// The account's limits (`--rate-limit`, `--daily-limit`, time zone).
    package var pacer = Pacer.Configuration()
    /// Default 500 leads: windows small enough to keep memory flat, large enough for 5 full batches.
    package var windowSize = 500
    /// Follow mode: how often to look for new changes once drained. Default 500 ms.
    package var pollInterval: Duration = .milliseconds(500)
    /// While draining, how often to look for changes recorded since the drain began, which go
    /// out ahead of the backlog. Default 1 s.
    package var freshInterval: Duration = .seconds(1)
    /// Follow mode: how often unmatched leads are checked again. Default 5 minutes.
    package var recheckWaitingInterval: Duration = .seconds(300)
    /// Follow mode: how often to probe while paused (reconnection required, or a daily limit
    /// whose reset may be computed wrong). Default 15 minutes, as cli-contract.md says.
    package var probeInterval: Duration = .seconds(900)
    /// After a stop (a signal, `--max-seconds`, an ending), how long requests in flight may
    /// take to be answered and recorded before they are abandoned (still pending, sent again by
    /// the next sync). Default 1 s: a signal stops the process within 2 s whatever HubSpot does.
    package var stopGrace: Duration = .seconds(1)
    /// Exponential backoff of transient failures.
    package var backoff = Backoff()
    /// Seed of the backoff jitter (a fixed seed reproduces a run).
    package var seed: UInt64 = UInt64.random(in: 0...UInt64.max)

    package init() {}
}
