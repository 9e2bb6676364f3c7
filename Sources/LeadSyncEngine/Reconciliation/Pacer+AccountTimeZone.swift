import Foundation
package import LeadSyncJournal

extension Pacer.Configuration {
    /// Takes the account's time zone that `connect` stored in the journal (HubSpot's daily limit
    /// resets at its midnight); keeps the current one when none is stored or it is unknown.
    package mutating func adoptAccountTimeZone(of journal: any JournalStores) async throws {
        if let name = try await journal.configuration.setting(.timeZone), let zone = TimeZone(identifier: name) {
            timeZone = zone
        }
    }
}
