internal import Synchronization

/// The single appends waiting for the next commit: concurrent `record` calls that arrive while
/// a commit is in flight join the next transaction and share its fsync, instead of queueing for
/// one each.
///
/// The first change submitted asks its caller to schedule a flush on the journal's queue; every
/// change submitted before that flush starts rides along with it.
final class GroupCommit: Sendable {
    typealias Completion = @Sendable (Result<Int64, any Error>) -> Void

    private struct State {
        var waiting: [(change: LeadChange, completion: Completion)] = []
        var flushScheduled = false
    }

    private let state = Mutex(State())

    /// Adds `change` to the next group. Returns true when the caller must schedule a flush.
    func submit(_ change: LeadChange, completion: @escaping Completion) -> Bool {
        state.withLock { state in
            state.waiting.append((change, completion))
            guard !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
    }

    /// Takes every waiting change; later submissions start a new group.
    func take() -> [(change: LeadChange, completion: Completion)] {
        state.withLock { state in
            defer {
                state.waiting.removeAll()
                state.flushScheduled = false
            }
            return state.waiting
        }
    }
}
