import Foundation
package import LeadSyncJournal
package import LeadSyncSupport
package import Logging

/// Keeps a long-running journal's file bounded: every ``Policy/interval`` it deletes the
/// delivered history older than ``Policy/keep`` (``JournalMaintenance/compact(olderThan:)``: pending
/// changes, current values, delivery state and counters stay), seals the delivered notes of
/// conversations whose messages are that old and drops those messages (``ConversationSealing``,
/// decision 0032), and gives the freed pages back to the file system
/// (``JournalMaintenance/reclaimSpace(maxPages:)``).
///
/// `sync --follow` runs one beside its reconciler, and `journal compact` one pass; an app
/// embedding the engine may too.
///
/// ```swift
/// let retention = JournalRetention(journal: journal, policy: .init(keep: .seconds(7 * 86_400)))
/// async let trimmed: Void = retention.run()   // until the task is cancelled
/// ```
package struct JournalRetention: Sendable {
    package struct Policy: Sendable, Hashable {
        /// Delivered history younger than this is kept (by each change's own time).
        package var keep: Duration
        /// How often to compact. Default 10 minutes.
        package var interval: Duration
        /// Pages given back per pass at most (bounds how long one pass holds the writer).
        package var maxPagesPerPass: Int

        package init(keep: Duration, interval: Duration = .seconds(600), maxPagesPerPass: Int = 10_000) {
            self.keep = keep
            self.interval = interval
            self.maxPagesPerPass = maxPagesPerPass
        }
    }

    /// What one pass did.
    package struct Pass: Sendable, Hashable {
        /// Changes deleted.
        package var removed: Int
        /// Conversation messages deleted with the note parts that show them.
        package var removedMessages: Int
        /// The file's size before and after, in bytes (write-ahead log excluded).
        package var bytesBefore: Int64
        package var bytesAfter: Int64
    }

    package let journal: Journal
    package let policy: Policy
    let clock: any WallClock
    let logger: Logger

    package init(
        journal: Journal, policy: Policy, clock: any WallClock = SystemWallClock(),
        logger: Logger = Logger(label: "leadsync.retention")
    ) {
        self.journal = journal
        self.policy = policy
        self.clock = clock
        self.logger = logger
    }

    /// Compacts and reclaims once, now.
    @discardableResult
    package func compactNow() async throws -> Pass {
        let cutoff = Timestamp.epochMilliseconds(clock.now) - Int64(policy.keep.timeInterval * 1000)
        _ = try await journal.changeLog.fold()
        let removed = try await journal.maintenance.compact(olderThan: cutoff)
        var removedMessages = 0
        for (conversation, revision) in try await journal.maintenance.sealableConversations(olderThan: cutoff) {
            let (transcript, notes) = try await journal.conversations.transcript(of: conversation)
            guard let seal = ConversationSealing.cut(transcript, notes: notes, revision: revision, olderThan: cutoff)
            else { continue }
            if try await journal.maintenance.seal(seal) { removedMessages += seal.messages }
        }
        let storage = try await journal.maintenance.reclaimSpace(maxPages: policy.maxPagesPerPass)
        let pass = Pass(
            removed: removed, removedMessages: removedMessages, bytesBefore: storage.pagesBefore * storage.pageSize,
            bytesAfter: storage.bytes)
        logger.debug(
            "journal compacted",
            metadata: [
                "journal.removed": "\(removed)", "journal.removed_messages": "\(removedMessages)",
                "journal.bytes_before": "\(pass.bytesBefore)", "journal.bytes": "\(pass.bytesAfter)",
            ])
        return pass
    }

    /// Compacts at once and then every ``Policy/interval`` until the task is cancelled. A failed
    /// pass is logged and tried again at the next interval: retention must never stop a sync.
    package func run() async {
        while !Task.isCancelled {
            do {
                try await compactNow()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("journal compaction failed; trying again later", metadata: ["error": "\(error)"])
            }
            do { try await clock.sleep(for: policy.interval) } catch { return }
        }
    }
}
