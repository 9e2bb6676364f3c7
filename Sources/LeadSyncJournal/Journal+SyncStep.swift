public import Foundation
internal import LeadSyncSupport
internal import LeadSyncSQLite

extension Journal {
    /// Records what one step of the sync learnt, in one transaction: the remote's answers (as
    /// `recordOutcomes(_:)`) and what pending leads wait for (as `markLeads(_:)`), without
    /// blocking the calling task's thread.
    public func recordSyncStep(outcomes: [LeadOutcome], marks: [String: LeadMark], at now: Date = Date())
        async throws
    {
        let now = Timestamp.epochMilliseconds(now)
        try await async { _, db in
            // The inner writes join this transaction, so a crash keeps both or neither.
            try db.write { db in
                if !outcomes.isEmpty { try Self.recordOutcomes(outcomes, now: now, db) }
                if !marks.isEmpty { try Self.markLeads(marks, db) }
            }
        }
    }

    /// Stores (or, with nil, removes) settings in one transaction, without blocking the calling
    /// task's thread.
    public func setSettings(_ values: [SettingKey: String?]) async throws {
        try await async { _, db in
            try db.write { db in
                for (key, value) in values { try Self.setSetting(key, value, db) }
            }
        }
    }

    static func markLeads(_ marks: [String: LeadMark], _ db: Connection) throws {
        try db.write { db in
            let writer = try DerivedStateWriter(db)
            for (lead, mark) in marks {
                guard let leadID = try writer.leadID(lead, create: false) else {
                    throw JournalError(.unknownLead, "unknown lead \(lead)")
                }
                writer.mark(leadID, mark)
            }
            try writer.finish()
        }
    }
}

extension Journal {
    /// `pushRules()` without blocking the calling task's thread.
    public func pushRules() async throws -> PushRules {
        try await async { _, db in try Self.pushRules(db) }
    }
}
