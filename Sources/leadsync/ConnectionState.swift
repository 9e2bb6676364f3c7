import Foundation
import LeadSyncJournal

/// Whether HubSpot access is available, as `status` reports it.
enum ConnectionState: String {
    case connected
    case reconnectionRequired = "reconnection_required"
    case disconnected

    /// `reconnection_required` when the journal says refreshing failed for good; `connected`
    /// when `LEADSYNC_TOKEN` is set or stored credentials exist; else `disconnected`.
    static func current(global: GlobalOptions, workspace: Workspace) async throws -> ConnectionState {
        if let token = global.environment["LEADSYNC_TOKEN"], !token.isEmpty { return .connected }
        guard try await workspace.hasCredentials() else { return .disconnected }
        return try await workspace.configuration.setting(.reconnectionRequired) == "true"
            ? .reconnectionRequired : .connected
    }
}
