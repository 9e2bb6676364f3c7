import LeadSyncSupport

/// Formats epoch milliseconds as `YYYY-MM-DDThh:mm:ss.sssZ` without Foundation's `String(format:)`,
/// which dominated the upsert path (four timestamps per contact answered).
enum ISOTimestamp {
    static func format(_ ms: Int64) -> String {
        let dayMs: Int64 = 86_400_000
        var days = ms / dayMs
        var rest = ms % dayMs
        if rest < 0 {
            rest += dayMs
            days -= 1
        }
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        guard (0...9999).contains(year) else { return Timestamp.format(epochMilliseconds: ms) }
        let fields = [
            (year, 4, UInt8(ascii: "-")), (month, 2, UInt8(ascii: "-")), (day, 2, UInt8(ascii: "T")),
            (rest / 3_600_000, 2, UInt8(ascii: ":")), (rest / 60_000 % 60, 2, UInt8(ascii: ":")),
            (rest / 1000 % 60, 2, UInt8(ascii: ".")), (rest % 1000, 3, UInt8(ascii: "Z")),
        ]
        return String(unsafeUninitializedCapacity: 24) { buffer in
            var i = 0
            for (value, width, separator) in fields {
                var v = value
                for position in stride(from: width - 1, through: 0, by: -1) {
                    buffer[i + position] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                }
                i += width
                buffer[i] = separator
                i += 1
            }
            return 24
        }
    }
}
