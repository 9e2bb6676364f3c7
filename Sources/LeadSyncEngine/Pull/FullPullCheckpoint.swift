/// Where an interrupted full pull resumes: the list cursor of the first page not yet processed,
/// and when the full pull started (the incremental cursor it leaves behind, so contacts modified
/// while it listed are read by the next pull).
///
/// Stored as one setting, `<startedAt> <after>`; written after each page is processed, so a pull
/// killed at any point resumes at most one page back, and pages processed twice change nothing
/// (a value is journaled only when it differs from the lead's current value).
package struct FullPullCheckpoint: Sendable, Hashable {
    /// When the full pull started, epoch ms.
    package let startedAt: Int64
    /// The list cursor (`paging.next.after`) of the next page; nil before the first page.
    package let after: String?

    package init(startedAt: Int64, after: String?) {
        self.startedAt = startedAt
        self.after = after
    }

    /// Reads the stored form.
    ///
    /// - Throws: `PullError.malformedCheckpoint` when `stored` was not written by `stored`.
    package init(stored: String) throws(PullError) {
        let parts = stored.split(separator: " ", maxSplits: 1)
        guard let first = parts.first, let startedAt = Int64(first) else {
            throw PullError(.malformedCheckpoint, "full pull checkpoint \"\(stored)\" has no start time")
        }
        self.init(startedAt: startedAt, after: parts.count == 2 ? String(parts[1]) : nil)
    }

    /// The stored form.
    package var stored: String { after.map { "\(startedAt) \($0)" } ?? String(startedAt) }
}
