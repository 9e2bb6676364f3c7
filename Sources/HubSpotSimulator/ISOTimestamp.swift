import LeadSyncSupport

/// Formats epoch milliseconds as `YYYY-MM-DDThh:mm:ss.sssZ` without Foundation's `String(format:)`,
/// which dominated the upsert path (four timestamps per contact answered).
enum ISOTimestamp {
    /// The length of every timestamp in years 0…9999.
    private static let length = 24

    static func format(_ ms: Int64) -> String {
        var inRange = true
        let text = String(unsafeUninitializedCapacity: length) { buffer in
            inRange = write(ms, to: buffer)
            return inRange ? length : 0
        }
        return inRange ? text : Timestamp.format(epochMilliseconds: ms)
    }

    /// Appends the formatted timestamp to `bytes` (answers write theirs straight into the JSON).
    static func append(_ ms: Int64, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: length))
        let inRange = bytes.withUnsafeMutableBufferPointer {
            write(ms, to: UnsafeMutableBufferPointer(rebasing: $0[start...]))
        }
        if !inRange {
            bytes.removeSubrange(start...)
            bytes.append(contentsOf: Timestamp.format(epochMilliseconds: ms).utf8)
        }
    }

    /// Writes the timestamp's 24 bytes to `buffer`; false for a year outside 0…9999, which
    /// LeadSyncSupport's formatter writes instead.
    private static func write(_ ms: Int64, to buffer: UnsafeMutableBufferPointer<UInt8>) -> Bool {
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
        guard (0...9999).contains(year) else { return false }
        var i = 0
        func field(_ value: Int64, width: Int, then separator: UInt8) {
            var v = value
            for position in stride(from: width - 1, through: 0, by: -1) {
                buffer[i + position] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
            i += width
            buffer[i] = separator
            i += 1
        }
        field(year, width: 4, then: UInt8(ascii: "-"))
        field(month, width: 2, then: UInt8(ascii: "-"))
        field(day, width: 2, then: UInt8(ascii: "T"))
        field(rest / 3_600_000, width: 2, then: UInt8(ascii: ":"))
        field(rest / 60_000 % 60, width: 2, then: UInt8(ascii: ":"))
        field(rest / 1000 % 60, width: 2, then: UInt8(ascii: "."))
        field(rest % 1000, width: 3, then: UInt8(ascii: "Z"))
        return true
    }
}
