package import LeadSyncSupport
import Synchronization

/// A stop asked for once (SIGINT, SIGTERM, `serve` releasing a tenant) that every wait of a sync
/// sees at once: a request waiting for the budget, the notes lane's pipeline, a backoff. Issue 13
/// asks a signal to stop every command within 2 s in every state, and some of those waits last
/// a whole rate-limit window (10 s): a flag looked at after the wait is not enough.
///
/// ```swift
/// let stop = StopSignal()
/// try await stop.sleep(for: .seconds(10), on: clock)   // returns early once stop.request() is called
/// ```
package final class StopSignal: Sendable {
    private struct State {
        var requested = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var lastWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The stop of the sync the current task works for, seen by waits below the engine's own:
    /// ``RequestBudget``'s admission runs inside `HubSpotClient`, which knows nothing of syncs.
    /// Bound by ``Reconciler/run(progress:)`` for everything the sync sends.
    @TaskLocal package static var current: StopSignal?

    package init() {}

    /// The stop was asked for.
    package var isRequested: Bool { state.withLock { $0.requested } }

    /// Asks for the stop: every ``wait()`` returns, now and from now on.
    package func request() {
        let waiters = state.withLock { state in
            state.requested = true
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the stop is asked for, or when the task is cancelled.
    package func wait() async {
        let id = state.withLock { state in
            state.lastWaiter += 1
            return state.lastWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state in
                    guard !state.requested, !Task.isCancelled else { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Sleeps for `duration` of `clock`'s time, or until the stop is asked for, whichever comes
    /// first. Throws when the task is cancelled.
    package func sleep(for duration: Duration, on clock: any WallClock) async throws {
        guard !isRequested else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: duration) }
            group.addTask { await self.wait() }
            await group.next()
            group.cancelAll()
        }
        try Task.checkCancellation()
    }
}
