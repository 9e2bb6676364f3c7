import Foundation
package import LeadSyncSupport

/// HubSpot's string forms for property values: every value travels as a string.
package enum HubSpotValue {
    /// A number as plain decimal text: `FieldValue` already keeps the text the user wrote.
    package static func number(_ text: String) -> String { text }

    /// `true` / `false`, the only forms a `bool` property accepts.
    package static func bool(_ value: Bool) -> String { value ? "true" : "false" }

    /// A `date` property's value: `YYYY-MM-DD`, which HubSpot reads as midnight UTC.
    package static func date(year: Int, month: Int, day: Int) -> String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// A `date` property's value as epoch milliseconds at midnight UTC of that day.
    package static func dateEpochMilliseconds(year: Int, month: Int, day: Int) -> String {
        String(Int64(Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86_400_000)
    }

    /// Normalises a `date` value: `YYYY-MM-DD` stays, epoch milliseconds and RFC 3339 timestamps
    /// at midnight UTC become `YYYY-MM-DD`; anything else (a time other than midnight, say)
    /// returns nil, because HubSpot would refuse it with `INVALID_DATE`.
    package static func date(_ text: String) -> String? {
        if text.utf8.count == 10, let ms = Timestamp.parse(text + "T00:00:00Z") { return dayString(ms) }
        if let ms = Int64(text) ?? Timestamp.parse(text), ms % 86_400_000 == 0 { return dayString(ms) }
        return nil
    }

    /// Normalises a `datetime` value to `YYYY-MM-DDThh:mm:ss.sssZ` from RFC 3339 with any offset
    /// or epoch milliseconds; nil when it is neither.
    package static func datetime(_ text: String) -> String? {
        guard let ms = Int64(text) ?? Timestamp.parse(text) else { return nil }
        return Timestamp.format(epochMilliseconds: ms)
    }

    /// The wire string of a lead field's value (`null` clears: `""`).
    package static func string(_ value: FieldValue) -> String { value.wireString }

    private static func dayString(_ ms: Int64) -> String { String(Timestamp.format(epochMilliseconds: ms).prefix(10)) }
}
