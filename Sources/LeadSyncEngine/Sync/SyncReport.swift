public import Foundation

/// How a sync ended, and what it did.
public struct SyncReport: Sendable {
    /// Why the sync returned; each maps to one exit code of `leadsync sync`.
    public enum Ending: Sendable, Hashable {
        /// Nothing sendable is left (exit 0).
        case drained
        /// `sync --follow` was asked to stop (exit 0).
        case stopped
        /// `sync --once` was asked to stop (a signal) with sendable changes left (exit 128 + the
        /// signal's number).
        case interrupted
        /// `--max-seconds` ran out with sendable changes left (exit 5).
        case deadlineReached
        /// HubSpot access must be connected or reconnected (exit 3).
        case reconnectionRequired(String)
        /// The account's daily limit is spent until `resetAt` (exit 4).
        case dailyLimit(resetAt: Date)
        /// Nothing succeeded for `--give-up-after` (exit 1).
        case gaveUp(lastError: String)
        /// The token lacks a scope (exit 1).
        case missingScopes([String], message: String)
    }

    public var ending: Ending
    public var summary: DrainSummary
}
