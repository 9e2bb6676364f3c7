/// How a journal is opened. Every default suits a device appending leads while a sync runs.
package struct JournalOptions: Sendable {
    /// Durability of a commit.
    package enum Synchronous: String, Sendable, CaseIterable {
        /// Default: a commit is on disk when `record` returns, even through power loss.
        case full
        /// WAL `synchronous=NORMAL`: a commit survives a crash of the process, but the last
        /// commits before a power loss or kernel panic may be lost. About 4× faster for
        /// one-change transactions here (docs/benchmarks.md); batched appends barely differ.
        case normal
    }

    /// Default `.full`: an append is durable when it returns, which is the product's promise.
    package var synchronous: Synchronous = .full

    /// How long a write waits for another process's lock before failing. Default 30 s: an
    /// ingest or a sync holds the lock for one batch at a time, well under a second.
    package var busyTimeout: Duration = .seconds(30)

    /// Changes folded into derived state per transaction (leads, for an ingest's fold in lead
    /// order), and the changes whose leads a fold holds in memory. Default 5,000: large enough to
    /// amortise the commit and to collapse repeated changes of a lead's field into one write,
    /// small enough that appenders wait at most a fraction of a second for the lock and that
    /// memory stays bounded (docs/benchmarks.md).
    package var foldWindow: Int = 5_000

    /// How many bytes of its changes an ingest sorts in memory, in two buffers of half (one is
    /// filled while the other is sorted and written as a run to a temporary file beside the
    /// journal); the runs are merged when it folds them, lead by lead, at its end. Default 8 MiB:
    /// runs of about 37,000 changes of three fields (decisions 0044, 0046).
    package var ingestSortMemory: Int = 8 << 20

    /// Most changes `status` and `lead show` fold before they answer, so they stay fast even
    /// right after many library appends; what is left is reported as `unfoldedChanges`.
    /// Default 2,000: about 60 ms of folding at the rate measured in docs/benchmarks.md, which
    /// keeps `status` under 100 ms. Ingest and sync fold everything themselves.
    package var readFoldLimit: Int = 2_000

    /// SQLite's page cache per connection, in KiB. Default 8 MiB: the fold and the sync walk
    /// per-lead state in key order, and a cache this size keeps a window's pages from being
    /// re-read from the OS, while ingest and sync each stay within 64 MB (16 MiB put both at or
    /// over it; docs/benchmarks.md).
    package var cacheKiB: Int = 8_192

    /// Open for reading only, writing nothing — not even the fold of new changes (reads report
    /// them as `unfoldedChanges`): for a journal that cannot be written (a read-only file,
    /// directory or mount, a full disk). Default false. The journal must be fully migrated.
    package var readOnly = false

    package init(synchronous: Synchronous = .full) { self.synchronous = synchronous }
}
