package import Foundation
package import HubSpotAPI

/// One process's share of an account's rolling-window budget when several processes with separate
/// journals (a fleet of edge devices) use one HubSpot account and no coordinator: additive
/// increase, multiplicative decrease (AIMD, as TCP shares a link) on HubSpot's own count.
///
/// Every answer's `X-HubSpot-RateLimit-Remaining` says how much of the window the whole account
/// has left. While it stays above a reserve, the process's allowance grows by a fixed share of
/// `Max` per window; when it falls under the reserve (or a 429 comes) while others hold part of
/// the window, the allowance shrinks to a share of what the process itself has in the window, at
/// most once per window (a decrease shows in HubSpot's count only as the window rolls over).
/// Every process sees the same signal at the same time, so allowances converge to about equal
/// shares that together keep the account just under its limit. An operator may also fix a share (`--rate-share`): the
/// allowance never exceeds it. The ``RequestBudget`` admits a request only while this process's
/// own requests in the window stay under ``ownLimit(of:)``, on top of its rule for the account.
/// Pure: time comes in as `now`.
///
/// ```swift
/// var share = FleetShare(configuration: .init(share: 0.25), now: clock.now)
/// share.observe(rateLimit, ours: 12, now: clock.now)
/// let mine = share.ownLimit(of: pacer.limit)   // nil: no cap of its own
/// ```
package struct FleetShare: Sendable, Hashable {
    package struct Configuration: Sendable, Hashable {
        /// A fixed share (0 < share ≤ 1) of the account's limit this process never exceeds; nil: none.
        package var share: Double?
        /// `Remaining` below this share of `Max` is crowding. Default 5 %: about the requests a
        /// fleet has on the wire at once, which HubSpot has not counted yet.
        package var reserve = 0.05
        /// When crowded, the allowance becomes this share of what the journal has in the window
        /// (or of the allowance, when lower). Default 0.9.
        package var decrease = 0.9
        /// The allowance grows by this share of `Max` per window while not crowded. Default 2 %.
        package var increase = 0.02

        package init(share: Double? = nil) { self.share = share }
    }

    package let configuration: Configuration
    /// Requests per window this process allows itself; nil until HubSpot told the limit.
    package private(set) var allowance: Double?
    private var lastObserved: Date
    private var lastDecrease: Date = .distantPast
    /// Since when answers have shown no one else in the window.
    private var aloneSince: Date?

    package init(configuration: Configuration = Configuration(), now: Date) {
        self.configuration = configuration
        self.lastObserved = now
    }

    /// How many of the window's requests this process may take, of an account limit of
    /// `limit`: the allowance and the fixed share; nil when neither caps it yet.
    package func ownLimit(of limit: Int) -> Int? {
        var capped: Double?
        if let share = configuration.share { capped = share * Double(limit) }
        if let allowance { capped = min(capped ?? allowance, allowance) }
        return capped.map { max(1, Int($0.rounded(.down))) }
    }

    /// Learns from one answer's rate-limit headers (a 429's too: `Remaining` 0). `ours`: the
    /// requests of this process HubSpot may have counted (in flight or answered within the
    /// window). Crowding is the account running low *and* others holding part of it: a process
    /// alone that fills the window itself is pacing, not competing.
    package mutating func observe(_ headers: RateLimitInfo, ours: Int, now: Date) {
        guard let max = headers.max, max > 0, let remaining = headers.remaining else { return }
        let window = Double(headers.intervalMilliseconds ?? 10_000) / 1000
        let ceiling = Double(max) * (configuration.share ?? 1)
        var allowance = self.allowance ?? ceiling
        let reserve = configuration.reserve * Double(max)
        let others = Double(max - remaining - ours)
        if Double(remaining) < reserve && others >= reserve {
            // What a decrease changes shows in HubSpot's count only as the window rolls over: one
            // decrease per window. From what this journal has in the window, not from the
            // allowance: a fleet starting together converges in one step to about equal shares.
            if now.timeIntervalSince(lastDecrease) >= window {
                allowance = Swift.min(allowance, Double(ours)) * configuration.decrease
                lastDecrease = now
            }
        } else if others < reserve, now.timeIntervalSince(aloneSince ?? now) >= window {
            // The others have been gone for a window (a fleet's other devices finished): alone,
            // this process knows all it needs and takes the whole limit back at once.
            allowance = ceiling
        } else {
            let elapsed = Swift.max(0, now.timeIntervalSince(lastObserved))
            allowance += configuration.increase * Double(max) * elapsed / window
        }
        self.allowance = Swift.min(ceiling, Swift.max(1, allowance))
        lastObserved = now
        aloneSince = others < reserve ? aloneSince ?? now : nil
    }
}
