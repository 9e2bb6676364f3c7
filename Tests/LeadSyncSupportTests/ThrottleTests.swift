import LeadSyncSupport
import Testing

@Suite struct ThrottleTests {
    @Test func letsThroughTheFirstTimeThenAtMostOncePerInterval() {
        let start = ContinuousClock.now
        func at(_ milliseconds: Int) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(milliseconds)) }
        var throttle = Throttle(every: .milliseconds(250))
        let taken = [0, 1, 249, 250, 260, 499, 500, 2_000, 2_100].filter { throttle.take(at: at($0)) }
        #expect(taken == [0, 250, 500, 2_000])
    }

    @Test func aThrottleThatLastLetThroughAtStartWaitsAWholeInterval() {
        let start = ContinuousClock.now
        var throttle = Throttle(every: .milliseconds(250), last: start)
        let taken = [0, 100, 249, 250, 400].filter { throttle.take(at: start.advanced(by: .milliseconds($0))) }
        #expect(taken == [250])
    }

    /// An unthrottled sync answers hundreds of times a second: a trim per answer (or every
    /// fifth) cost a tenth of its CPU (decision 0043), one per 250 ms does not.
    @Test func aBurstOfAThousandCallsInOneSecondIsLetThroughFourTimes() {
        let start = ContinuousClock.now
        var throttle = Throttle(every: .milliseconds(250))
        let taken = (0..<1_000).filter { throttle.take(at: start.advanced(by: .milliseconds($0))) }
        #expect(taken == [0, 250, 500, 750])
    }
}
