import LeadSyncJournal
import LeadSyncWorkload

/// One generated change in both shapes: as the journal's API takes it, and as the raw
/// baseline inserts it (fields already encoded, as the journal stores them).
struct BenchmarkRow {
    let change: LeadChange
    let lead: String
    let at: Int64
    let encodedFields: String

    static func generate(count: Int, seed: UInt64) -> [BenchmarkRow] {
        LeadSetGenerator(WorkloadSpec(leads: max(1, count / 10), changes: count, seed: seed)).map { generated in
            let change = LeadChange(
                lead: generated.lead, fields: generated.fieldDictionary, atMilliseconds: generated.atMilliseconds)
            return BenchmarkRow(
                change: change, lead: change.lead, at: change.atMilliseconds,
                encodedFields: FieldsCodec.encode(change.fields))
        }
    }
}
