internal import LeadSyncSQLite

/// The journal file's size, in SQLite pages (the write-ahead log not included).
package struct JournalStorage: Sendable, Hashable {
    package var pageSize: Int64
    /// Pages before the operation that produced this value (equal to `pages` for a plain reading).
    package var pagesBefore: Int64
    package var pages: Int64
    /// Pages inside the file that hold nothing (given back by ``JournalMaintenance/reclaimSpace(maxPages:)``).
    package var freePages: Int64

    /// The main file's size in bytes.
    package var bytes: Int64 { pages * pageSize }

    package init(pageSize: Int64, pagesBefore: Int64, pages: Int64, freePages: Int64) {
        self.pageSize = pageSize
        self.pagesBefore = pagesBefore
        self.pages = pages
        self.freePages = freePages
    }

    init(_ db: Connection) throws {
        let pages = try db.scalar("PRAGMA page_count") ?? 0
        self.init(
            pageSize: try db.scalar("PRAGMA page_size") ?? 4096, pagesBefore: pages, pages: pages,
            freePages: try db.scalar("PRAGMA freelist_count") ?? 0)
    }
}
