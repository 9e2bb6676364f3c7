import Foundation
import LeadSyncJournal

/// Whether HubSpot access is available, as `status` reports it.
enum ConnectionState: String {
    case connected
    case reconnectionRequired = "reconnection_required"
    case disconnected

    /// `reconnection_required` when the journal says refreshing failed for good; `connected`
    /// when `LEADSYNC_TOKEN` is set or stored credentials exist; else `disconnected`.
    static func current(global: GlobalOptions, journal: Journal) async throws -> ConnectionState {
        if let token = global.environment["LEADSYNC_TOKEN"], !token.isEmpty { return .connected }
        guard FileManager.default.fileExists(atPath: try global.credentialsPath()) else { return .disconnected }
        return try await journal.configuration.setting(.reconnectionRequired) == "true"
            ? .reconnectionRequired : .connected
    }
}
