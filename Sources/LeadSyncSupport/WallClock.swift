public import Foundation

/// Where time comes from. Components that pace, back off or expire read `now` and sleep through
/// this protocol, so tests drive them with a manual clock instead of sleeping.
public protocol WallClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }
    /// Suspends for `duration` of this clock's time (throws on cancellation).
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Date()` and `Task.sleep`.
public struct SystemWallClock: WallClock {
    public init() {}
    public var now: Date { Date() }
    public func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
}
