import Foundation
import HubSpotAPI
import LeadSyncSupport

/// Whether the value HubSpot holds is the value that was sent, allowing for how HubSpot stores
/// what it receives: dates as days, datetimes as ISO 8601 with milliseconds, numbers without
/// their written form, emails lowercased, multi-select options in any order.
enum ValueComparison {
    static func same(sent: String, stored: String?, definition: PropertyDefinition?) -> Bool {
        let stored = stored ?? ""
        if sent == stored { return true }
        if sent.isEmpty || stored.isEmpty { return false }
        switch definition?.type {
        case "number"?:
            guard let a = Decimal(string: sent), let b = Decimal(string: stored) else { return false }
            return a == b
        case "date"?:
            return instant(sent).map { $0 / 86_400_000 } == instant(stored).map { $0 / 86_400_000 }
        case "datetime"?:
            return instant(sent) != nil && instant(sent) == instant(stored)
        case "bool"?:
            return sent.lowercased() == stored.lowercased()
        case "enumeration"? where definition?.fieldType == "checkbox":
            let parts = { (text: String) in Set(text.split(separator: ";").map(String.init)) }
            return parts(sent) == parts(stored)
        default:
            if definition?.name == "email" {
                return EmailAddress(sent).map(\.value) == EmailAddress(stored).map(\.value)
            }
            return false
        }
    }

    /// Epoch milliseconds of digits, a `YYYY-MM-DD` day or an RFC 3339 timestamp.
    private static func instant(_ text: String) -> Int64? {
        if let ms = Int64(text) { return ms }
        if text.utf8.count == 10 { return Timestamp.parse(text + "T00:00:00Z") }
        return Timestamp.parse(text)
    }
}
