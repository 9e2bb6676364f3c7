import Foundation
import LeadSyncSupport
import Testing

@Suite struct TimestampTests {
    @Test(
        arguments: [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (1_795_860_900_007, "2026-11-28T10:15:00.007Z"),
            (951_782_400_000, "2000-02-29T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
            (-62_135_596_800_000, "0001-01-01T00:00:00.000Z"),
        ] as [(Int64, String)])
    func formatsUTCWithMilliseconds(milliseconds: Int64, text: String) {
        #expect(Timestamp.format(epochMilliseconds: milliseconds) == text)
    }

    /// Formatting is written digit by digit: parsing (separate code) must give every instant back.
    @Test func everyInstantOfYearsOneToNineThousandNineHundredNinetyNineRoundTrips() {
        var random = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            let milliseconds = -62_135_596_800_000 + Int64(random.next() % 315_537_897_600_000)
            #expect(Timestamp.parse(Timestamp.format(epochMilliseconds: milliseconds)) == milliseconds)
        }
    }
}
