/// The one-line progress of a drain, as a terminal shows it while `sync` runs:
/// `delivered 4,200/10,000 records · 96/s · ETA 1:00 · 42 requests · 0 429s`.
package struct ProgressLine: Sendable {
    /// Leads pending when the drain started (the denominator); nil when unknown.
    package var total: Int?

    package init(total: Int?) {
        self.total = total
    }

    /// The line for `summary` after `elapsedSeconds`. The rate is records per second since the
    /// start, which at a steady pacer is the current pace.
    package func render(_ summary: DrainSummary, elapsedSeconds: Double) -> String {
        let rate = elapsedSeconds > 0 ? Double(summary.delivered) / elapsedSeconds : 0
        var parts: [String] = []
        if let total, total > 0 {
            parts.append("delivered \(Self.grouped(summary.delivered))/\(Self.grouped(total)) records")
        } else {
            parts.append("delivered \(Self.grouped(summary.delivered)) records")
        }
        parts.append("\(Self.grouped(Int(rate.rounded())))/s")
        if let total, rate > 0 {
            let left = max(0, total - summary.delivered)
            parts.append("ETA \(Self.clock(Double(left) / rate))")
        }
        parts.append("\(Self.grouped(summary.requests)) requests")
        if summary.rejected > 0 { parts.append("\(Self.grouped(summary.rejected)) rejected") }
        if summary.rateLimited > 0 { parts.append("\(summary.rateLimited) 429s") }
        return parts.joined(separator: " · ")
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(abs(value))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return value < 0 ? "-" + out : out
    }

    /// Seconds as `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded(.up))
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
        let ss = s < 10 ? "0\(s)" : "\(s)"
        if h > 0 { return "\(h):\(m < 10 ? "0\(m)" : "\(m)"):\(ss)" }
        return "\(m):\(ss)"
    }
}
