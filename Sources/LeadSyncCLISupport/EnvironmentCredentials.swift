import Foundation
package import LeadSyncEngine
package import LeadSyncSupport

/// The CLI's credentials, read from the process environment: what an embedding app passes
/// explicitly (a ``CredentialSource``), a command finds in `LEADSYNC_TOKEN`,
/// `LEADSYNC_CREDENTIALS`, `LEADSYNC_CLIENT_ID` and `LEADSYNC_CLIENT_SECRET`.
extension CredentialSource {
    /// `LEADSYNC_TOKEN` for this run when set, else the stored credentials (``CredentialsFile``
    /// at `LEADSYNC_CREDENTIALS` or beside the journal), with the OAuth app from the environment
    /// when the file names none.
    ///
    /// ```swift
    /// let access = try await HubSpotAccess.open(
    ///     journal: journal, credentials: .environment(journalPath: path), apiURL: url, transport: transport)
    /// ```
    package static func environment(
        journalPath: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> CredentialSource {
        .environment(
            stored: CredentialsFile(journalPath: journalPath, environment: environment), environment: environment)
    }

    /// `LEADSYNC_TOKEN` for this run when set, else the credentials in `stored` (a tenant's).
    package static func environment(
        stored: any CredentialStore, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> CredentialSource {
        if let token = environment["LEADSYNC_TOKEN"], !token.isEmpty { return .token(Secret(token)) }
        return .stored(
            stored, clientId: environment["LEADSYNC_CLIENT_ID"],
            clientSecret: environment["LEADSYNC_CLIENT_SECRET"].map(Secret.init))
    }
}

extension CredentialsFile {
    /// `LEADSYNC_CREDENTIALS` when set, else `<journal>.credentials` beside the journal's
    /// canonical path, whichever path to the journal was given.
    package init(journalPath: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let override = environment["LEADSYNC_CREDENTIALS"], !override.isEmpty {
            self.init(path: override)
        } else {
            self.init(besideJournal: journalPath)
        }
    }
}
