import Foundation
import LeadSyncEngine
import LeadSyncJournal
import Testing

@Suite struct StallWatchdogTests {
    let t0 = Date(timeIntervalSince1970: 1_795_824_000)
    let delivered = SyncEvent.recorded([
        LeadOutcome(
            lead: "L-1", fields: [.init(field: "email", seq: 1, result: .delivered(property: "email", sent: "a"))])
    ])

    @Test func pendingWorkWithNothingRecordedForTheThresholdIsAStallUntilSomethingIsRecorded() {
        var watchdog = StallWatchdog(threshold: .seconds(60), now: t0)
        #expect(watchdog.check(sendablePending: 5, now: t0.addingTimeInterval(59)) == nil)
        #expect(watchdog.check(sendablePending: 5, now: t0.addingTimeInterval(60)) == .stalled(since: t0))
        #expect(watchdog.check(sendablePending: 5, now: t0.addingTimeInterval(90)) == nil, "reported once")
        #expect(watchdog.stalledSince == t0)
        #expect(watchdog.observe(delivered, now: t0.addingTimeInterval(91)) == .cleared)
        #expect(watchdog.check(sendablePending: 5, now: t0.addingTimeInterval(150)) == nil, "60 s from the delivery")
        #expect(watchdog.check(sendablePending: 5, now: t0.addingTimeInterval(151)) != nil)
    }

    @Test func nothingToSendOrAPauseIsNotAStall() {
        var watchdog = StallWatchdog(threshold: .seconds(60), now: t0)
        #expect(watchdog.check(sendablePending: 0, now: t0.addingTimeInterval(600)) == nil)
        #expect(watchdog.observe(.paused(.dailyLimit(resetAt: t0)), now: t0.addingTimeInterval(600)) == nil)
        #expect(watchdog.check(sendablePending: 9, now: t0.addingTimeInterval(6_000)) == nil, "paused")
        #expect(watchdog.observe(.resumed, now: t0.addingTimeInterval(6_000)) == nil)
        #expect(watchdog.check(sendablePending: 9, now: t0.addingTimeInterval(6_059)) == nil)
        #expect(watchdog.check(sendablePending: 9, now: t0.addingTimeInterval(6_060)) != nil)
        #expect(watchdog.observe(.requestAnswered(failure: nil), now: t0.addingTimeInterval(6_061)) == nil)
        #expect(watchdog.stalledSince != nil, "an answer that records nothing is no progress")
    }
}
