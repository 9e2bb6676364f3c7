/// Lets something happen at most once per interval: a progress line's redraw, a `malloc_trim`
/// during a sync.
///
/// ```swift
/// var redraw = Throttle(every: .milliseconds(200))
/// if redraw.take(at: .now) { draw() }
/// ```
package struct Throttle: Sendable {
    package let interval: Duration
    private var last: ContinuousClock.Instant?

    /// `last`: when it last happened, as if it had (nil: it may at once).
    package init(every interval: Duration, last: ContinuousClock.Instant? = nil) {
        self.interval = interval
        self.last = last
    }

    /// Whether it may happen at `now`: at least ``interval`` after the last time it did. When it
    /// may, `now` becomes the last time.
    package mutating func take(at now: ContinuousClock.Instant) -> Bool {
        if let last, now - last < interval { return false }
        last = now
        return true
    }
}
