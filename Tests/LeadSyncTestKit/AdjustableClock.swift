public import Foundation
public import LeadSyncSupport
import Synchronization

/// A wall clock that moves only when a test moves it, so token expiry, rate windows and index
/// lag are tested without sleeping. `sleep` advances the clock instead of waiting.
public final class AdjustableClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = Mutex(start) }

    public var now: Date { current.withLock { $0 } }

    public func advance(milliseconds: Int) {
        current.withLock { $0 = $0.addingTimeInterval(Double(milliseconds) / 1000) }
    }

    public func advance(seconds: Double) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }

    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let (seconds, attoseconds) = duration.components
        advance(seconds: Double(seconds) + Double(attoseconds) / 1e18)
    }
}
