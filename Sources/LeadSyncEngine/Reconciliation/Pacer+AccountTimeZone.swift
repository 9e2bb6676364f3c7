import Foundation
package import LeadSyncJournal

extension Pacer.Configuration {
    /// Takes the account's time zone that `connect` stored in the journal (HubSpot's daily limit
    /// resets at its midnight); keeps the current one when none is stored or it is unknown.
    package mutating func adoptAccountTimeZone(of journal: any JournalStores) async throws {
        guard let name = try await journal.configuration.setting(.timeZone) else { return }
        // UTC by any of its names is `.gmt`: `TimeZone(identifier:)` loads ICU even for UTC.
        if Self.utcNames.contains(name) {
            timeZone = .gmt
        } else if let zone = TimeZone(identifier: name) {
            timeZone = zone
        }
    }

    /// The tz database's names of UTC.
    static let utcNames: Set<String> = [
        "UTC", "Etc/UTC", "GMT", "Etc/GMT", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
    ]
}
