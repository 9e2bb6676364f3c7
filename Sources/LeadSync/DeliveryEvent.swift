public import Foundation
import LeadSyncEngine
import LeadSyncJournal

/// What the sync did that an app may react to: each one is already recorded in the journal when
/// it is delivered to the app.
///
/// ```swift
/// for await event in sync.events {
///     switch event {
///     case .delivered(let lead, let fields): kiosk.markSynced(lead, fields)
///     case .rejected(let lead, let field, let category, let message): kiosk.flag(lead, field, "\(category): \(message)")
///     case .paused(.reconnectionRequired): kiosk.showBanner("HubSpot needs reconnecting")
///     case .paused(.dailyLimit(let resetAt)): kiosk.showBanner("HubSpot's daily limit: back at \(resetAt)")
///     case .resumed, .caughtUp: kiosk.hideBanner()
///     }
/// }
/// ```
public enum DeliveryEvent: Sendable, Hashable {
    /// Why the sync sends nothing for now; everything recorded stays pending.
    public enum Pause: Sendable, Hashable {
        /// HubSpot refused the credentials and they cannot be refreshed (the message says why):
        /// `leadsync connect` again, or have the token provider answer with a new token.
        case reconnectionRequired(String)
        /// The account's daily request limit is spent until `resetAt`.
        case dailyLimit(resetAt: Date)
    }

    /// HubSpot took these fields of the lead (the field names as the app recorded them).
    case delivered(lead: String, fields: [String])
    /// HubSpot (or the local check against its property definitions) refused this field's
    /// value for good: `category` is HubSpot's (`VALIDATION_ERROR`, ...), `message` its words.
    case rejected(lead: String, field: String, category: String, message: String)
    /// The sync paused.
    case paused(Pause)
    /// A paused sync goes on.
    case resumed
    /// Everything sendable has been sent and recorded; the sync waits for new changes.
    case caughtUp

    /// The events one engine event stands for, in order.
    static func events(for event: SyncEvent) -> [DeliveryEvent] {
        switch event {
        case .recorded(let outcomes):
            outcomes.flatMap { outcome -> [DeliveryEvent] in
                var delivered: [String] = []
                var rejected: [DeliveryEvent] = []
                for field in outcome.fields {
                    switch field.result {
                    case .delivered: delivered.append(field.field)
                    case .rejected(let category, let message, _):
                        rejected.append(
                            .rejected(lead: outcome.lead, field: field.field, category: category, message: message))
                    case .skipped: break
                    }
                }
                return (delivered.isEmpty ? [] : [.delivered(lead: outcome.lead, fields: delivered.sorted())])
                    + rejected
            }
        case .paused(.reconnectionRequired(let message)): [.paused(.reconnectionRequired(message))]
        case .paused(.dailyLimit(let resetAt)): [.paused(.dailyLimit(resetAt: resetAt))]
        case .resumed: [.resumed]
        case .caughtUp: [.caughtUp]
        case .requestAnswered: []
        }
    }
}

/// The ``DeliveryEvent``s of one ``SyncService`` from the moment ``SyncService/events`` was
/// read, as an `AsyncSequence` that ends when the service's `run()` returns. Iterate it once
/// (each read of ``SyncService/events`` is a subscription of its own). A subscriber that falls
/// more than 10,000 engine events behind loses the oldest.
public struct DeliveryEvents: AsyncSequence, Sendable {
    public typealias Element = DeliveryEvent
    public typealias Failure = Never

    let source: AsyncStream<SyncEvent>

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: source.makeAsyncIterator())
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        var source: AsyncStream<SyncEvent>.Iterator
        /// Events of the last engine event not handed out yet, last first.
        var ready: [DeliveryEvent] = []

        public mutating func next() async -> DeliveryEvent? {
            while ready.isEmpty {
                guard let event = await source.next() else { return nil }
                ready = DeliveryEvent.events(for: event).reversed()
            }
            return ready.popLast()
        }
    }
}
