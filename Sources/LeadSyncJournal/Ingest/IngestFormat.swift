/// The input formats `ingest` reads.
package enum IngestFormat: String, Sendable, CaseIterable {
    /// One JSON object per line: `{"lead": "L-1", "at": "…", "fields": {…}}`.
    case ndjson
    /// RFC 4180 with a header row: `lead`, optional `at`, one column per field.
    case csv
}
