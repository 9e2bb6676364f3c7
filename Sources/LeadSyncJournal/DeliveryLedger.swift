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
            writer.reserveCapacity(outcomes.count)
            for outcome in outcomes {
                for refusal in try writer.record(outcome) {
                    try db.cached(
                        "INSERT INTO rejected(lead_id, fields, category, message, at, source) VALUES (?, ?, ?, ?, ?, ?)"
                    ).execute([
                        .integer(refusal.leadID), .text(FieldsCodec.encode(refusal.fields)), .text(refusal.category),
                        .text(refusal.message), .integer(now), .text(refusal.source.rawValue),
                    ])
                }
            }
            try writer.finish()
        }
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
            try writer.mark(marks)
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
                try writer.forEachLead(db) { try writer.forgetRemote(of: $0) }
                let rejected = try db.scalar("SELECT count(*) FROM rejected") ?? 0
                try db.execute("DELETE FROM rejected")
                writer.count(.rejected, -rejected)
                try writer.finish()
            }
        }
    }
}
