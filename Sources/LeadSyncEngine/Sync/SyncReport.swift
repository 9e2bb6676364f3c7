package import Foundation
import LeadSyncSupport

/// How a sync ended, and what it did.
package struct SyncReport: Sendable {
    /// Why the sync returned; each maps to one exit code of `leadsync sync`.
    package enum Ending: Sendable, Hashable {
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
        /// The server failed TLS verification (exit 1).
        case untrusted(String)
    }

    package var ending: Ending
    package var summary: DrainSummary
}

extension SyncReport.Ending: CustomStringConvertible {
    /// What a person reads (in `last_error`, logs and messages), never a Swift dump.
    package var description: String {
        switch self {
        case .drained: "nothing sendable is left"
        case .stopped: "stopped on request"
        case .interrupted: "stopped by a signal with changes left"
        case .deadlineReached: "stopped by --max-seconds with changes left"
        case .reconnectionRequired(let message): "HubSpot access must be reconnected: \(message)"
        case .dailyLimit(let resetAt): "HubSpot daily limit reached; it resets at \(Timestamp.format(resetAt))"
        case .gaveUp(let lastError): "gave up: no request succeeded; last error: \(lastError)"
        case .missingScopes(let scopes, let message):
            "HubSpot refused: missing scope \(scopes.joined(separator: ", ")) (\(message))"
        case .untrusted(let message): "the HubSpot server failed TLS verification, nothing more was sent: \(message)"
        }
    }
}
