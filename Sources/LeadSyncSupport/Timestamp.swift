package import Foundation

/// RFC 3339 timestamps as HubSpot and leadsync write them: UTC with milliseconds
/// (`2026-11-28T10:15:00.000Z`), parsed with any offset.
package enum Timestamp {
    /// Formats epoch milliseconds as `YYYY-MM-DDThh:mm:ss.sssZ`.
    package static func format(epochMilliseconds ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let millis = Int(ms - seconds * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        // Written digit by digit, as `%04d-%02d-%02dT%02d:%02d:%02d.%03dZ` would: `String(format:)`
        // was a quarter of rendering a conversation's note (each message shows its time).
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func put(_ value: Int, width: Int, then separator: Character) {
            var width = width
            if value < 0 {
                text.append(UInt8(ascii: "-"))
                width -= 1
            }
            let start = text.count
            var rest = value.magnitude
            repeat {
                text.append(UInt8(ascii: "0") + UInt8(rest % 10))
                rest /= 10
            } while rest > 0
            while text.count - start < width { text.append(UInt8(ascii: "0")) }
            text[start...].reverse()
            text.append(separator.asciiValue ?? 0)
        }
        put(Int(parts.tm_year) + 1900, width: 4, then: "-")
        put(Int(parts.tm_mon) + 1, width: 2, then: "-")
        put(Int(parts.tm_mday), width: 2, then: "T")
        put(Int(parts.tm_hour), width: 2, then: ":")
        put(Int(parts.tm_min), width: 2, then: ":")
        put(Int(parts.tm_sec), width: 2, then: ".")
        put(millis, width: 3, then: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    /// Formats a date as `YYYY-MM-DDThh:mm:ss.sssZ`.
    package static func format(_ date: Date) -> String {
        format(epochMilliseconds: epochMilliseconds(date))
    }

    /// Milliseconds since 1970-01-01T00:00:00Z, rounded toward negative infinity.
    package static func epochMilliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Parses RFC 3339 with a required offset (`Z`, `+hh:mm`, `-hh:mm`) and optional fraction.
    /// Returns epoch milliseconds, or nil when the text is not such a timestamp.
    package static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    private static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Int64? {
        func digits(_ at: Int, _ count: Int) -> Int? {
            guard at + count <= b.count else { return nil }
            var v = 0
            for i in at..<(at + count) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45,
            let day = digits(8, 2), b[10] == 84 || b[10] == 116 || b[10] == 32, let hour = digits(11, 2),
            b[13] == 58, let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 100
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                millis += Int(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offsetMinutes = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = digits(i + 4, 2),
                oh < 24, om < 60
            else { return nil }
            offsetMinutes = (oh * 60 + om) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetMinutes * 60)
        return secs * 1000 + Int64(millis)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
