import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport

/// The document `status` prints, and `sync --follow --listen` serves at `/status`.
enum StatusDocument {
    static func entries(global: GlobalOptions, journal: Journal) async throws -> [(String, JSONValue)] {
        try await entries(
            global: global,
            workspace: Workspace(
                kind: .file(journal, credentials: CredentialsFile(path: try global.credentialsPath())),
                created: journal.created))
    }

    static func entries(global: GlobalOptions, workspace: Workspace) async throws -> [(String, JSONValue)] {
        let status = try await workspace.leads.status()
        let conversations = try await workspace.conversations.counts()
        let connection = try await ConnectionState.current(global: global, workspace: workspace)
        return [
            ("connection", .string(connection.rawValue)),
            ("pending_changes", .integer(status.pendingChanges)),
            ("pending_leads", .integer(status.pendingLeads)),
            ("awaiting_identity", .integer(status.awaitingIdentity)),
            ("unmatched", .integer(status.unmatched)),
            ("rejected", .integer(status.rejected + conversations.rejected)),
            ("skipped", .integer(status.skipped)),
            ("journal_entries", .integer(status.journalEntries)),
            ("unfolded_changes", .integer(status.unfoldedChanges)),
            ("conversations", .integer(conversations.conversations)),
            ("conversations_pending", .integer(conversations.pending)),
            ("last_sync_at", .optional(status.lastSyncAt)),
            ("last_error", .optional(status.lastError)),
            ("stalled_since", .optional(try await workspace.configuration.setting(.stalledSince))),
        ]
    }
}
