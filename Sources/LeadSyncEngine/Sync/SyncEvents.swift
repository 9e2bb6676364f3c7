import Synchronization

/// Where a ``Reconciler`` publishes its ``SyncEvent``s: any number of subscribers, each with its
/// own stream, attached and detached while the sync runs. Emitting never waits for a subscriber.
///
/// ```swift
/// let events = SyncEvents()
/// let stream = events.subscribe()          // before run(), to miss nothing
/// async let report = Reconciler(journal: journal, gateway: gateway, events: events).run()
/// for await event in stream { … }
/// ```
package final class SyncEvents: Sendable {
    private struct Subscribers {
        var next = 0
        var streams: [Int: AsyncStream<SyncEvent>.Continuation] = [:]
        /// After ``finish()``, a new subscriber's stream ends at once.
        var finished = false
    }

    private let subscribers = Mutex(Subscribers())

    package init() {}

    /// A new stream of the events emitted from now on. It ends when the subscriber stops
    /// iterating (or drops it) or at ``finish()``.
    ///
    /// - Parameter buffering: what a subscriber that reads slower than the sync emits keeps.
    ///   Default: the newest 10,000 events, so a subscriber that stops reading cannot grow memory
    ///   without bound; a metrics consumer that must count every event passes `.unbounded`.
    package func subscribe(
        buffering: AsyncStream<SyncEvent>.Continuation.BufferingPolicy = .bufferingNewest(10_000)
    ) -> AsyncStream<SyncEvent> {
        let (stream, continuation) = AsyncStream<SyncEvent>.makeStream(bufferingPolicy: buffering)
        let id = subscribers.withLock { subscribers -> Int? in
            guard !subscribers.finished else { return nil }
            defer { subscribers.next += 1 }
            subscribers.streams[subscribers.next] = continuation
            return subscribers.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.streams.removeValue(forKey: id) }
        }
        return stream
    }

    /// Hands `event` to every current subscriber.
    func emit(_ event: SyncEvent) {
        for continuation in subscribers.withLock({ Array($0.streams.values) }) {
            continuation.yield(event)
        }
    }

    /// Ends every subscriber's stream (after the events already emitted), and those of later
    /// subscribers at once.
    package func finish() {
        let streams = subscribers.withLock { subscribers in
            subscribers.finished = true
            return Array(subscribers.streams.values)
        }
        for continuation in streams {
            continuation.finish()
        }
    }
}
