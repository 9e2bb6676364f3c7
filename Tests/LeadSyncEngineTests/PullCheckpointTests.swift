import LeadSyncEngine
import Testing

@Suite struct PullCheckpointTests {
    @Test(arguments: [
        FullPullCheckpoint(startedAt: 1_790_000_000_000, after: nil),
        FullPullCheckpoint(startedAt: 1_790_000_000_000, after: "4512"),
        FullPullCheckpoint(startedAt: 5, after: "opaque cursor with spaces"),
    ])
    func roundTripsThroughItsStoredForm(checkpoint: FullPullCheckpoint) throws {
        #expect(try FullPullCheckpoint(stored: checkpoint.stored) == checkpoint)
    }

    @Test func refusesWhatItDidNotWrite() {
        #expect(throws: PullError.self) { try FullPullCheckpoint(stored: "") }
        #expect(throws: PullError.self) { try FullPullCheckpoint(stored: "later 12") }
    }
}
