/// A fault planned for the Nth matching request ("fail the Nth request, once or from then on").
struct ScheduledFault {
    var fault: Fault
    /// 1-based position among matching requests counted from when the fault was scheduled.
    var onRequest: Int
    var persistent: Bool
    /// Matches requests whose path starts with this (when it starts with `/`) or whose endpoint
    /// name equals it (`contacts.batch.upsert`); nil matches every API request.
    var path: String?
    /// Apply the request server-side before failing it (a lost answer) rather than not at all.
    var applied: Bool
    var seen = 0

    mutating func fires(path requestPath: String, endpoint: String) -> Bool {
        if let path {
            guard path.hasPrefix("/") ? requestPath.hasPrefix(path) : endpoint == path else { return false }
        }
        seen += 1
        return seen == onRequest || (persistent && seen > onRequest)
    }

    /// Whether it has fired for good and can be dropped.
    var spent: Bool { !persistent && seen >= onRequest }
}
