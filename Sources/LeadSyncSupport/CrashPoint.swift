internal import Foundation
import Synchronization

/// A named moment of a sync where the reliability tests make the process die, deterministically:
/// `LEADSYNC_CRASH_AT=after-apply` (or `after-apply:3`, the third time) makes the process `_exit`
/// there with status ``exitStatus``, as abruptly as kill -9 (no cleanup, no flush).
///
/// Unset (always, outside those tests), ``hit()`` costs one load of a value read once at start.
///
/// ```swift
/// CrashPoint.beforeSend.hit()
/// let answer = await gateway.send(request)
/// ```
package enum CrashPoint: String, Sendable, CaseIterable {
    /// A batch is about to go to HubSpot.
    case beforeSend = "before-send"
    /// HubSpot applied a batch and answered; nothing of it is recorded yet.
    case afterApply = "after-apply"
    /// Inside the journal transaction recording an answer, before it commits.
    case duringRecord = "during-record"
    /// The journal committed the record of an answer.
    case afterRecord = "after-record"

    /// The status the process exits with at an armed point.
    package static let exitStatus: Int32 = 86

    /// Exits the process when this point is the armed one and its count is reached.
    package func hit() {
        guard let armed = Self.armed, armed.point == self else { return }
        if Self.hits.add(1, ordering: .relaxed).newValue >= armed.count { _exit(Self.exitStatus) }
    }

    private static let armed: (point: CrashPoint, count: Int)? = {
        guard let value = ProcessInfo.processInfo.environment["LEADSYNC_CRASH_AT"], !value.isEmpty else { return nil }
        let parts = value.split(separator: ":", maxSplits: 1)
        guard let point = CrashPoint(rawValue: String(parts[0])) else { return nil }
        return (point, parts.count > 1 ? Int(parts[1]) ?? 1 : 1)
    }()

    private static let hits = Atomic(0)
}
