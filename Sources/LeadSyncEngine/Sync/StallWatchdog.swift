package import Foundation

/// Notices a sync that is connected, has sendable work, and records nothing for
/// ``threshold``: the failure a daemon's operator cannot see from "the process is running"
/// (HubSpot answering errors for hours, a wedged loop, a journal that stopped folding).
///
/// Any recorded outcome is progress (a rejection moves work as much as a delivery); so is having
/// nothing to send. A pause (reconnection, the daily limit) is not a stall: it has its own signal.
/// Pure: events and pending counts come in with the time.
///
/// ```swift
/// var watchdog = StallWatchdog(threshold: .seconds(900), now: clock.now)
/// watchdog.observe(event, now: clock.now)
/// if case .stalled(let since)? = watchdog.check(sendablePending: 12, now: clock.now) { alert(since) }
/// ```
package struct StallWatchdog: Sendable, Hashable {
    /// A change of verdict.
    package enum Transition: Sendable, Hashable {
        /// Nothing recorded since `since` while work was pending.
        case stalled(since: Date)
        /// Progress again (or nothing left to send, or paused).
        case cleared
    }

    package let threshold: Duration
    /// When the current stall began (the last progress), nil when not stalled.
    package private(set) var stalledSince: Date?
    private var lastProgress: Date
    private var paused = false

    package init(threshold: Duration, now: Date) {
        self.threshold = threshold
        self.lastProgress = now
    }

    /// Takes one of the sync's events into account.
    package mutating func observe(_ event: SyncEvent, now: Date) -> Transition? {
        switch event {
        case .recorded(let outcomes) where !outcomes.isEmpty:
            return progress(now)
        case .caughtUp:
            return progress(now)
        case .resumed:
            paused = false
            return progress(now)
        case .paused:
            paused = true
            return progress(now)
        case .recorded, .requestAnswered:
            return nil
        }
    }

    /// Looks at the clock: `sendablePending` is what the journal holds that the sync could send
    /// (pending leads less those awaiting identity or unmatched).
    package mutating func check(sendablePending: Int64, now: Date) -> Transition? {
        if sendablePending <= 0 || paused { return progress(now) }
        guard stalledSince == nil, now.timeIntervalSince(lastProgress) >= threshold.timeInterval else { return nil }
        stalledSince = lastProgress
        return .stalled(since: lastProgress)
    }

    private mutating func progress(_ now: Date) -> Transition? {
        lastProgress = now
        guard stalledSince != nil else { return nil }
        stalledSince = nil
        return .cleared
    }
}
