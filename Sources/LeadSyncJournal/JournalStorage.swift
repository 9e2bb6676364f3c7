internal import LeadSyncSQLite

/// The journal file's size, in SQLite pages (the write-ahead log not included).
public struct JournalStorage: Sendable, Hashable {
    public var pageSize: Int64
    /// Pages before the operation that produced this value (equal to `pages` for a plain reading).
    public var pagesBefore: Int64
    public var pages: Int64
    /// Pages inside the file that hold nothing (given back by ``JournalMaintenance/reclaimSpace(maxPages:)``).
    public var freePages: Int64

    /// The main file's size in bytes.
    public var bytes: Int64 { pages * pageSize }

    public init(pageSize: Int64, pagesBefore: Int64, pages: Int64, freePages: Int64) {
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
