internal import LeadSyncJournal
internal import LeadSyncSQLite
public import LeadSyncSupport

/// A change row as a journal file holds it, read with plain SQL: tests check what was appended
/// without the journal needing an API for scanning its changes.
public struct StoredChange: Sendable, Hashable {
    public var seq: Int64
    public var lead: String
    public var atMilliseconds: Int64
    public var fields: [String: FieldValue]

    /// Up to `limit` changes of the journal file at `path`, in seq order.
    public static func read(_ path: String, limit: Int = 1_000_000) throws -> [StoredChange] {
        let db = try Connection(path: path, busyTimeout: .seconds(30))
        let select = try db.prepare("SELECT seq, lead, at, fields FROM change ORDER BY seq LIMIT ?")
        try select.bind(1, Int64(limit))
        var changes: [StoredChange] = []
        while try select.step() {
            changes.append(
                StoredChange(
                    seq: select.int64(0), lead: select.text(1), atMilliseconds: select.int64(2),
                    fields: try FieldsCodec.decode(select.text(3))))
        }
        return changes
    }
}
