import Foundation
import LeadSyncEngine
import LeadSyncSupport

/// A clock that stands still: a spent rate-limit window never rolls, and a wait of more than a
/// second (a pacer's for the window) lasts until its task is cancelled, so only a stop can end
/// it. Shorter waits (a stop's grace, the sync's timers) pass in real time. `waiting` is called
/// as each long wait begins.
struct StandingClock: WallClock {
    let waiting: @Sendable () -> Void
    let now = Date()

    func sleep(for duration: Duration) async throws {
        guard duration > .seconds(1) else { return try await Task.sleep(for: duration) }
        waiting()
        try await Task.sleep(for: .seconds(86_400))
    }
}

extension Reconciler {
    /// Runs the sync to its end, or cancels it after `limit` (then nil): a test whose stop does
    /// not end a wait fails instead of hanging. The limit is generous: under the whole suite on
    /// two loaded cores this process's threads are sometimes all taken for a minute.
    func run(orCancelAfter limit: Duration) async throws -> SyncReport? {
        try await withThrowingTaskGroup(of: SyncReport?.self) { group in
            group.addTask { try await self.run() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
