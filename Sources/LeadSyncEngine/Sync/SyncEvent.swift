package import Foundation
package import LeadSyncJournal

/// Something a running sync did, as it happened: the one observation of a sync that metrics,
/// readiness, a stall watchdog and an embedding app's delivery events are all built on.
///
/// ```swift
/// let events = SyncEvents()
/// let reconciler = Reconciler(journal: journal, gateway: gateway, options: options, events: events)
/// for await event in events.subscribe() {
///     if case .recorded(let outcomes) = event { print(outcomes.count, "leads recorded") }
/// }
/// ```
package enum SyncEvent: Sendable, Hashable {
    /// Why a following sync sends nothing for now.
    package enum Pause: Sendable, Hashable {
        /// The token was refused and cannot be refreshed: nothing moves until new credentials are
        /// stored (`leadsync connect`, or the embedding app's token provider answers anew).
        case reconnectionRequired(String)
        /// The account's daily limit is spent until `resetAt`.
        case dailyLimit(resetAt: Date)
    }

    /// Outcomes committed to the journal (emitted after the commit, so what they say is durable):
    /// per lead, the values HubSpot took, refused, or a write rule skipped.
    case recorded([LeadOutcome])
    /// A contacts request (or the property definitions request) was answered: `failure` is nil
    /// for a success (a 200 or 207, whatever it said per input).
    case requestAnswered(failure: RequestFailure?)
    /// A following sync paused; everything stays pending.
    case paused(Pause)
    /// A paused sync goes on: new credentials were found, or the daily limit's reset came.
    case resumed
    /// Everything sendable was sent and recorded; a following sync now waits for new changes.
    case caughtUp
}
