import Foundation
import LeadSyncSupport

/// Reads the instants HubSpot writes in `date` and `datetime` properties (and that users give to
/// `pull-rules add --after`): epoch milliseconds, `YYYY-MM-DD` (midnight UTC, as HubSpot stores
/// dates), or RFC 3339 with an offset.
package enum PropertyInstant {
    /// Epoch milliseconds of `text`, or nil when it is none of the accepted forms.
    package static func epochMilliseconds(_ text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.utf8.first else { return nil }
        if first == UInt8(ascii: "-") || isDigit(first), trimmed.utf8.dropFirst().allSatisfy(isDigit) {
            return Int64(trimmed)
        }
        return Timestamp.parse(trimmed) ?? dateOnly(trimmed)
    }

    /// `YYYY-MM-DD` as midnight UTC. Formatting the result back and comparing catches impossible
    /// dates (`2026-02-30`) without a calendar table of our own.
    private static func dateOnly(_ text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        let ms = Int64(Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86_400_000
        return Timestamp.format(epochMilliseconds: ms).hasPrefix(text) ? ms : nil
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
