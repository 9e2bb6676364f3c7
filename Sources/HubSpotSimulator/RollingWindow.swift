/// Counts events over a rolling window of time (milliseconds), for rate limits and the
/// "most requests in any 10 seconds" counter.
struct RollingWindow {
    let intervalMilliseconds: Int64
    private var stamps: [Int64] = []
    private var head = 0

    init(intervalMilliseconds: Int64) { self.intervalMilliseconds = intervalMilliseconds }

    /// Events inside the window ending at `now`.
    mutating func count(at now: Int64) -> Int {
        while head < stamps.count, stamps[head] <= now - intervalMilliseconds { head += 1 }
        if head > 4096, head * 2 > stamps.count {
            stamps.removeFirst(head)
            head = 0
        }
        return stamps.count - head
    }

    mutating func record(at now: Int64) { stamps.append(now) }
}
