import Foundation
import LeadSyncEngine
import LeadSyncTestKit
import Testing

@Suite struct SyncLockTests {
    @Test func aSecondLockFailsNamingTheHolderUntilTheFirstIsReleased() throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-lock")
        let journal = directory.path("leads.db")
        let first = try SyncLock(journalPath: journal)
        do {
            _ = try SyncLock(journalPath: journal)
            Issue.record("a second lock on the same journal must fail")
        } catch let error as SyncError {
            #expect(error.code == .lockHeld)
            #expect(error.holderPID == getpid())
            #expect(error.message.contains("process \(getpid())"))
        }
        first.release()
        let again = try SyncLock(journalPath: journal)
        again.release()
    }
}
