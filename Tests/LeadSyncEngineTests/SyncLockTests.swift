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

@Suite struct SyncLockReleaseTests {
    /// The descriptor of `path` open in this process, read from /proc/self/fd.
    static func openDescriptor(of path: String) throws -> Int32 {
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")
        let found = entries.compactMap(Int32.init).first {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path
        }
        return try #require(found, "\(path) is not open")
    }

    @Test func aReleaseFreesTheLockEvenWhileAChildBeingStartedHoldsACopyOfItsDescriptor() throws {
        // Seen in the full suite: a test released the lock and took it again while another test
        // was starting a process; the child, between fork and exec, still had the lock file open.
        let directory = try TemporaryDirectory(prefix: "leadsync-lock")
        let first = try SyncLock(journalPath: directory.path("leads.db"))
        // What the child's descriptor table holds: the same open file, another descriptor.
        let copy = dup(try Self.openDescriptor(of: first.path))
        #expect(copy >= 0)
        defer { close(copy) }
        first.release()
        let again = try SyncLock(journalPath: directory.path("leads.db"))
        again.release()
    }
}

@Suite struct SyncLockIdentityTests {
    @Test func aSymlinkOrAnotherPathToTheSameJournalFindsTheSameLock() throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-lock")
        let journal = directory.path("leads.db")
        FileManager.default.createFile(atPath: journal, contents: Data())
        let link = directory.path("link.db")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: journal)
        let first = try SyncLock(journalPath: link)
        defer { first.release() }
        let otherPaths = [journal, directory.path("sub/../leads.db"), directory.path("./leads.db")]
        try FileManager.default.createDirectory(atPath: directory.path("sub"), withIntermediateDirectories: true)
        for path in otherPaths {
            #expect(throws: SyncError.self, "\(path) must find the held lock") { try SyncLock(journalPath: path) }
        }
        #expect(first.path == JournalIdentity.canonicalPath(journal) + ".sync.lock")
    }

    @Test func aJournalNotYetCreatedIsNamedByItsRealDirectory() throws {
        let directory = try TemporaryDirectory(prefix: "leadsync-lock")
        try FileManager.default.createSymbolicLink(
            atPath: directory.path("dir-link"), withDestinationPath: directory.url.path)
        let real = JournalIdentity.canonicalPath(directory.path("new.db"))
        #expect(JournalIdentity.canonicalPath(directory.path("dir-link/new.db")) == real)
    }
}
