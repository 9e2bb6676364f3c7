import Foundation
import LeadSyncEngine

/// The progress of `pull` on a terminal: one line on stderr, rewritten in place after each page;
/// nothing when stderr is not a terminal (logs and scripts get the summary only).
final class PullProgressLine: Sendable {
    private let enabled = isatty(STDERR_FILENO) != 0

    /// Rewrites the line with `progress`.
    func show(_ progress: PullImporter.Progress) {
        guard enabled else { return }
        let counts = progress.counts
        let line =
            "\rpull (\(progress.full ? "full" : "incremental")): \(progress.read) read · \(counts.created) created · "
            + "\(counts.linked) linked · \(counts.updated) updated · \(counts.unchanged) unchanged\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Ends the line, so later output starts on a fresh one.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
