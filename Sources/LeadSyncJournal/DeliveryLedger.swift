package import Foundation
internal import LeadSyncSQLite
internal import LeadSyncSupport

/// What the remote answered and holds: per-field delivery outcomes, lead marks, remote ids,
/// base values and rejections (with their retry), and forgetting all of it for a new account.
package struct DeliveryLedger: Sendable {
    let database: JournalDatabase

    /// Records the remote's answers for many leads in one transaction.
    ///
    /// A field outcome applies only while the field's current value is still the one from
    /// `seq`: a value that arrived meanwhile stays pending. A delivery always updates the
    /// property's base value, since what was sent is what the remote now holds. Rejections are
    /// grouped into one entry per lead, category and message.
    ///
    /// - Throws: `JournalError.unknownLead` when a lead is not in the journal (nothing is
    ///   recorded then).
    package func recordOutcomes(_ outcomes: [LeadOutcome], at now: Date = Date()) async throws {
        let now = Timestamp.epochMilliseconds(now)
        try await database.run { db in try Self.recordOutcomes(outcomes, now: now, db) }
    }

    /// Records what one step of the sync learnt, in one transaction: the remote's answers (as
    /// `recordOutcomes(_:)`) and what pending leads wait for (as `markLeads(_:)`).
    package func recordSyncStep(outcomes: [LeadOutcome], marks: [String: LeadMark], at now: Date = Date())
        async throws
    {
        let now = Timestamp.epochMilliseconds(now)
        try await database.run { db in
            // The inner writes join this transaction, so a crash keeps both or neither.
            try db.write { db in
                if !outcomes.isEmpty { try Self.recordOutcomes(outcomes, now: now, db) }
                if !marks.isEmpty { try Self.markLeads(marks, db) }
                CrashPoint.duringRecord.hit()
            }
        }
    }

    static func recordOutcomes(_ outcomes: [LeadOutcome], now: Int64, _ db: Connection) throws {
        try db.write { db in
            let writer = try DerivedStateWriter(db)
            for outcome in outcomes {
                guard let leadID = try writer.leadID(outcome.lead, create: false) else {
                    throw JournalError(.unknownLead, "unknown lead \(outcome.lead)")
                }
                switch outcome.remoteID {
                case .keep: break
                case .set(let id): try writer.setRemoteID(leadID, id)
                case .clear: try writer.setRemoteID(leadID, nil)
                }
                var refusals: [RefusalKey: [String: FieldValue]] = [:]
                for field in outcome.fields {
                    let row = try writer.fieldRow(leadID, field.field)
                    let current = row.map { $0.seq == field.seq && $0.state == .pending } ?? false
                    switch field.result {
                    case .delivered(let property, let sent):
                        try writer.setBaseValue(leadID, property, sent)
                        if current, let row { try writer.setState(leadID, field.field, row, to: .delivered) }
                    case .rejected(let category, let message, let source):
                        guard current, let row else { continue }
                        try writer.setState(leadID, field.field, row, to: .rejected)
                        refusals[RefusalKey(category: category, message: message, source: source), default: [:]][
                            field.field] = try FieldsCodec.decodeValue(row.value)
                    case .skipped(let property, let remoteValue):
                        guard current, var row else { continue }
                        writer.count(.skipped, 1)
                        if let remoteValue {
                            try writer.setBaseValue(leadID, property, remoteValue)
                            row.value = FieldsCodec.encode(.string(remoteValue))
                            row.state = .skipped
                            try writer.setField(leadID, field.field, row)
                        } else {
                            try writer.setState(leadID, field.field, row, to: .skipped)
                        }
                    }
                }
                for (key, fields) in refusals.sorted(by: { $0.key.message < $1.key.message }) {
                    try db.cached(
                        "INSERT INTO rejected(lead_id, fields, category, message, at, source) VALUES (?, ?, ?, ?, ?, ?)"
                    ).execute([
                        .integer(leadID), .text(FieldsCodec.encode(fields)), .text(key.category), .text(key.message),
                        .integer(now), .text(key.source.rawValue),
                    ])
                    writer.count(.rejected, 1)
                }
            }
            try writer.finish()
        }
    }

    private struct RefusalKey: Hashable {
        var category: String
        var message: String
        var source: RejectedEntry.Source
    }

    /// The base values of a lead: per property, the last value known to be in the remote.
    package func baseValues(lead: String) async throws -> [String: String] {
        try await database.run { db in
            let values = try StoredLead.read(key: lead, db)?.baseValues ?? []
            return Dictionary(values, uniquingKeysWith: { _, last in last })
        }
    }

    /// Sets what the sync found about pending leads' identity. A mark lasts while the lead has
    /// pending values; `awaitingIdentity` is also set (and cleared) by the journal itself from
    /// the identity field and the remote id.
    package func markLeads(_ marks: [String: LeadMark]) async throws {
        try await database.run { db in try Self.markLeads(marks, db) }
    }

    static func markLeads(_ marks: [String: LeadMark], _ db: Connection) throws {
        try db.write { db in
            let writer = try DerivedStateWriter(db)
            for (lead, mark) in marks {
                guard let leadID = try writer.leadID(lead, create: false) else {
                    throw JournalError(.unknownLead, "unknown lead \(lead)")
                }
                try writer.mark(leadID, mark)
            }
            try writer.finish()
        }
    }

    /// Forgets everything learnt from the remote account (remote ids, base values, delivery
    /// outcomes, rejections), so every lead's current mapped values become pending again and
    /// are matched afresh. For connecting a journal to a different account.
    package func forgetRemoteState() async throws {
        try await database.run { db in
            try db.write { db in
                let writer = try DerivedStateWriter(db)
                try writer.forEachLead { lead in
                    try writer.setRemoteID(lead.id, nil)
                    for (field, row) in lead.fields
                    where writer.mappings[field] != nil && [.delivered, .rejected, .skipped].contains(row.state) {
                        try writer.setState(lead.id, field, row, to: .pending)
                    }
                }
                let rejected = try db.scalar("SELECT count(*) FROM rejected") ?? 0
                try db.execute("DELETE FROM rejected")
                writer.count(.rejected, -rejected)
                try writer.finish()
            }
        }
    }
}
