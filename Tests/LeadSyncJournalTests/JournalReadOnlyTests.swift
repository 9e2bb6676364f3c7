import Foundation
import LeadSyncJournal
import LeadSyncTestKit
import Testing

/// A journal opened with `JournalOptions.readOnly` (what `status`, `lead show`, `journal check`
/// and `journal backup` fall back to when the file, its directory or its mount cannot be written)
/// answers without writing anything, even with changes not folded yet.
@Suite struct JournalReadOnlyTests {
    @Test func readsAnswerWithoutWritingAndReportWhatIsNotFolded() async throws {
        let dir = try TemporaryDirectory()
        let path = dir.path("j.db")
        do {
            var options = JournalOptions(synchronous: .normal)
            options.readFoldLimit = 0
            let journal = try Journal(path: path, options: options)
            try await journal.changeLog.record(lead: "L-1", fields: ["email": .string("a@example.com")])
            try await journal.changeLog.fold()
            try await journal.changeLog.record(
                (2...6).map { LeadChange(lead: "L-\($0)", fields: ["email": .string("\($0)@example.com")]) })
        }
        // The writer closed: its WAL was checkpointed away, so the file alone is read (immutable).
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        var options = JournalOptions()
        options.readOnly = true
        let journal = try Journal(path: path, options: options)
        #expect(journal.isReadOnly)
        let status = try await journal.leads.status()
        #expect(status.journalEntries == 6 && status.unfoldedChanges == 5 && status.pendingLeads == 1)
        #expect(try await journal.leads.lead("L-1")?.fields["email"] == .string("a@example.com"))
        #expect(try await journal.maintenance.check() == [])
        try await journal.maintenance.backup(to: dir.path("backup.db"))
        await #expect(throws: (any Error).self) {
            try await journal.changeLog.record(lead: "L-7", fields: ["email": .string("7@example.com")])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before, "a read-only open wrote the file")
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
    }
}
