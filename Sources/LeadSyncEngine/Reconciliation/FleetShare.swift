package import Foundation
package import HubSpotAPI

/// One process's share of an account's rolling-window budget when several processes with separate
/// journals (a fleet of edge devices) use one HubSpot account and no coordinator: a slow start,
/// then additive increase, multiplicative decrease (AIMD, as TCP shares a link) on HubSpot's own
/// count.
///
/// Every answer's `X-HubSpot-RateLimit-Remaining` says how much of the window the whole account
/// has left, so `Max − Remaining` is what the account had used when HubSpot counted that request,
/// and the requests of this journal sent no later than it are this journal's part of that use.
/// A process does not know at its start whether others share the account (the first answer of
/// each of a fleet starting together shows an account with nobody else in it), so it starts with
/// a small allowance (``Configuration/initial``) and grows it by two requests per answer (doubling
/// what goes out per round trip), never above its part of the account's use plus its part of the
/// room left (`ours + room × (Max − used) × ours / used`: the whole limit alone, about `Max / N`
/// among N growing together) (decision 0023), taking only a third of that room while others are
/// there (in the slow start, while anyone else is: decision 0055), since it learns of their sends
/// a round trip late (decision 0033). The ramp ends at the first crowded answer, after a window
/// alone, or a window after its first answer, taking a tenth off then: past the first window, a
/// process's part of the account is small for a moment at each window's turn, and a ramp bounded
/// by that kept a process that was never crowded at a few requests a window (decision 0054).
/// Then, while `Remaining` stays above a reserve, the allowance grows by a fixed share of `Max` per
/// window; when it falls under the reserve (or a 429 comes) while others hold part of the window,
/// the allowance shrinks to a share of what the process itself has in the window, at most once
/// per window (a decrease shows in HubSpot's count only as the window rolls over). Every process
/// sees the same signal at the same time, so allowances converge to about equal shares that
/// together keep the account just under its limit. An operator may also fix a share
/// (`--rate-share`): the allowance never exceeds it. The ``RequestBudget`` admits a request only
/// while this journal's own requests in the window stay under ``ownLimit(of:)``, on top of its
/// rule for the account. Pure: time comes in as `now`.
///
/// ```swift
/// var share = FleetShare(configuration: .init(share: 0.25), now: clock.now)
/// share.observe(rateLimit, ours: 12, now: clock.now)
/// let mine = share.ownLimit(of: pacer.limit, holds: 30)
/// ```
package struct FleetShare: Sendable, Hashable {
    package struct Configuration: Sendable, Hashable {
        /// A fixed share (0 < share ≤ 1) of the account's limit this process never exceeds; nil: none.
        /// Given, the allowance also starts there, with no slow start: the operator divided the
        /// account, so there is nothing to discover (`--rate-share 1`: a process alone on it).
        package var share: Double?
        /// The allowance at the start, before answers show the room is there: this share of the
        /// limit. Default 10 %: a fleet of up to ten starting together stays under the limit in
        /// its first round trip; a process alone has the whole limit after about five round trips
        /// (1, 20, 40, 80, then the rest at 190/10 s). 1: no slow start. Unused with a ``share``.
        package var initial = 0.1
        /// `Remaining` below this share of `Max` is crowding. Default 5 %: about the requests a
        /// fleet has on the wire at once, which HubSpot has not counted yet.
        package var reserve = 0.05
        /// When crowded, the allowance becomes this share of what the journal has in the window
        /// (or of the allowance, when lower); a ramp that ends uncrowded takes the same share of
        /// the allowance once. Default 0.9.
        package var decrease = 0.9
        /// The allowance grows by this share of `Max` per window while not crowded. Default 2 %.
        package var increase = 0.02
        /// In the slow start, while others use the account, the allowance is at most the
        /// journal's part of the account's use plus this share of the room HubSpot says is left,
        /// in proportion to that part (decision 0033). Default 0.3: every process of a fleet sees
        /// the same room at once, a round trip late, while the others' allowances double, so each
        /// taking its whole part of it overfilled the window; a third leaves room for what the
        /// others sent meanwhile, and the window still fills, the room shrinking by that share
        /// each round trip. 1: each takes its whole part (decision 0023).
        package var room = 0.3

        package init(share: Double? = nil) { self.share = share }

        /// The share of the limit the allowance starts from.
        var start: Double { share ?? initial }
    }

    package let configuration: Configuration
    /// Requests per window this process allows itself; nil until HubSpot told the limit.
    package private(set) var allowance: Double?
    /// In the slow start: growing by two requests per answer, up to its part of the account's use.
    package private(set) var ramping: Bool
    /// When the first answer came: the slow start lasts a window at most.
    private var firstAnswer: Date?
    private var lastObserved: Date
    private var lastDecrease: Date = .distantPast
    /// Since when answers have shown no one else in the window.
    private var aloneSince: Date?

    package init(configuration: Configuration = Configuration(), now: Date) {
        self.configuration = configuration
        self.ramping = configuration.share == nil && configuration.initial < 1
        self.lastObserved = now
    }

    /// How many of the window's requests this journal may take, of an account limit of `limit`,
    /// when it `holds` that many (in flight or counted): the allowance and the fixed share. Before
    /// HubSpot's first answer to this process, the start of the slow start, or one more than the
    /// journal holds when another of its processes is already past that point (a `verify` beside a
    /// `sync` must not wait for the sync's drain to end).
    package func ownLimit(of limit: Int, holds: Int) -> Int {
        var capped = allowance ?? Swift.max(configuration.start * Double(limit), Double(holds + 1))
        if let share = configuration.share { capped = min(capped, share * Double(limit)) }
        return max(1, Int(capped.rounded(.down)))
    }

    /// Learns from one answer's rate-limit headers (a 429's too: `Remaining` 0). `ours`: this
    /// journal's requests HubSpot had counted when it counted this one (those sent no later than
    /// it, still in the window, it included). Crowding is the account running low *and* others
    /// holding part of it: a process alone that fills the window itself is pacing, not competing.
    package mutating func observe(_ headers: RateLimitInfo, ours: Int, now: Date) {
        guard let max = headers.max, max > 0, let remaining = headers.remaining else { return }
        let window = Double(headers.intervalMilliseconds ?? 10_000) / 1000
        let ceiling = Double(max) * (configuration.share ?? 1)
        // The slow start begins at the initial share, or at what the journal already holds when
        // another of its processes got there first.
        var allowance =
            self.allowance ?? Swift.min(ceiling, Swift.max(configuration.start * Double(max), Double(ours)))
        let reserve = configuration.reserve * Double(max)
        let used = Double(max - remaining)
        let others = used - Double(ours)
        if ramping, now.timeIntervalSince(firstAnswer ?? now) >= window {
            // Never crowded, it leaves the ramp with an allowance grown from answers a round trip
            // old, as the others' did: together they can be a few over the limit, which the
            // second window's first burst would show as 429s. A tenth off, once, keeps it under.
            ramping = false
            allowance *= configuration.decrease
        }
        firstAnswer = firstAnswer ?? now
        if Double(remaining) < reserve && others >= reserve {
            // What a decrease changes shows in HubSpot's count only as the window rolls over: one
            // decrease per window. From what this journal has in the window, not from the
            // allowance: a fleet converges in one step to about equal shares.
            if now.timeIntervalSince(lastDecrease) >= window {
                allowance = Swift.min(allowance, Double(ours)) * configuration.decrease
                lastDecrease = now
            }
            ramping = false
        } else if others < reserve, now.timeIntervalSince(aloneSince ?? now) >= window {
            // The others have been gone for a window (a fleet's other devices finished): alone,
            // this process knows all it needs and takes the whole limit back at once.
            allowance = ceiling
            ramping = false
        } else {
            // Its part of the account's use plus its part of the room left (all of it alone; with
            // others, `room` of it): what the allowance may grow to from this answer, so the
            // fleet's sum stays under `Max` although each process learns of the others' sends a
            // round trip late.
            let part = Double(ours) / Swift.max(1, used)
            // In the slow start anyone else at all is company: a fleet starting together is
            // counted at first as one request per process, so others under the reserve can be
            // eight processes about to send their first bursts (decision 0055).
            let alone = ramping ? others <= 0 : others < reserve
            let room = alone ? 1 : configuration.room
            let bound = Double(ours) + room * (Double(max) - used) * part
            if ramping {
                // Two per answer: the allowance counts the window's requests, not those in flight,
                // so one per answer would only replace what was answered; two doubles what goes out
                // each round trip. The bound may lower it (others grew faster).
                allowance = Swift.min(allowance + 2, bound)
            } else {
                // After the ramp, the additive increase probes for a fairer share; and while the
                // account has room (a fleet's other processes finished or slowed down), the
                // allowance grows as in the ramp, up to the bound, instead of by 2 % a window
                // (decision 0033). The bound never lowers it here: at a window's turn a process's
                // part of the account is small for a moment, not its share.
                let elapsed = Swift.max(0, now.timeIntervalSince(lastObserved))
                allowance = Swift.max(
                    allowance + configuration.increase * Double(max) * elapsed / window,
                    Swift.min(allowance + 2, bound))
            }
        }
        self.allowance = Swift.min(ceiling, Swift.max(1, allowance))
        lastObserved = now
        aloneSince = others < reserve ? aloneSince ?? now : nil
    }
}
