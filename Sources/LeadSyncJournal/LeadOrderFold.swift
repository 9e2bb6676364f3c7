internal import LeadSyncSQLite

/// How far a fold in lead order has got before the fold cursor could move: the changes up to
/// ``throughSeq`` of every lead up to ``lastLead`` (in the order of their keys' UTF-8 bytes) are
/// folded. An ingest folds its changes lead by lead and commits every few thousand leads
/// (decision 0044); a fold in seq order that runs meanwhile (another process's `status` or
/// sync) or after a crash reads this row and skips those changes, so each change is folded
/// exactly once. The row is removed once the cursor passes ``throughSeq``.
struct LeadOrderFold: Equatable {
    var throughSeq: Int64
    var lastLead: String

    static func migrate(_ db: Connection) throws {
        try db.execute(
            """
            CREATE TABLE lead_order_fold (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                through_seq INTEGER NOT NULL,
                last_lead TEXT NOT NULL
            );
            """)
    }

    /// The fold in lead order in progress, nil when none is.
    static func load(_ db: Connection) throws -> LeadOrderFold? {
        let select = try db.cached("SELECT through_seq, last_lead FROM lead_order_fold")
        defer { select.reset() }
        guard try select.step() else { return nil }
        return LeadOrderFold(throughSeq: select.int64(0), lastLead: select.text(1))
    }

    /// Records the progress, in the caller's transaction.
    func save(_ db: Connection) throws {
        try db.cached("INSERT OR REPLACE INTO lead_order_fold(id, through_seq, last_lead) VALUES (1, ?, ?)")
            .execute([.integer(throughSeq), .text(lastLead)])
    }

    /// Forgets the progress (the fold cursor is past it), in the caller's transaction.
    static func clear(_ db: Connection) throws {
        try db.cached("DELETE FROM lead_order_fold").execute([])
    }

    /// Whether change `seq` of `lead` is folded already.
    func holds(seq: Int64, lead: String) -> Bool {
        seq <= throughSeq && !lastLead.utf8.lexicographicallyPrecedes(lead.utf8)
    }
}
