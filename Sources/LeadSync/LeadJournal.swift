public import Foundation
import LeadSyncEngine
public import LeadSyncJournal
public import LeadSyncSupport
import Logging

/// A lead journal on disk, and everything an app does with it: record lead changes and
/// conversation messages (durable when the call returns), read what is pending and what HubSpot
/// took, and make the ``SyncService`` that drains it into HubSpot in the background.
///
/// Open one per journal file and share it: it is `Sendable`, and every call is safe from any
/// task. The journal is created (with the default field mappings) on first use.
///
/// ```swift
/// import LeadSync
///
/// let leads = try LeadJournal(path: "/var/lib/kiosk/leads.db", credentials: .stored)
/// try await leads.record(lead: "L-1042", fields: ["email": "ada@example.com", "seats": 40])
/// let status = try await leads.status()      // status.pendingLeads == 1
/// ```
public final class LeadJournal: Sendable {
    /// leadsync's version (the one `leadsync --version` prints).
    public static let version = LeadSyncVersion.current

    /// The journal's file.
    public let path: String
    public let configuration: Configuration
    /// Not public: a token must not leak through the journal's value.
    let credentials: Credentials
    let journal: Journal

    /// Opens (or creates) the journal at `path`.
    ///
    /// - Parameters:
    ///   - credentials: how the sync authenticates with HubSpot (recording needs none).
    ///   - configuration: where HubSpot is and the account's limits.
    /// - Throws: when the file cannot be opened or created, or is another application's database.
    public init(path: String, credentials: Credentials, configuration: Configuration = Configuration()) throws {
        self.path = path
        self.credentials = credentials
        self.configuration = configuration
        self.journal = try Journal(path: path)
    }

    /// Records one change of one lead: durable when it returns (it survives kill -9 and power
    /// loss). Only fields mapped to a HubSpot property are sent; the others are kept.
    ///
    /// ```swift
    /// try await leads.record(lead: "L-1042", fields: ["budget": .number("5000.00"), "phone": .null])
    /// ```
    /// - Throws: for an empty lead id, or when the write failed (then nothing was recorded).
    public func record(lead: String, fields: [String: FieldValue], at: Date = Date()) async throws {
        try await journal.changeLog.record(lead: lead, fields: fields, at: at)
    }

    /// Records many changes in one transaction: all or none, one commit however many.
    public func record(_ changes: [LeadChange]) async throws {
        try await journal.changeLog.record(changes)
    }

    /// Records one message of a conversation with a lead, durable when it returns; the
    /// conversation becomes one HubSpot note on the lead's contact, rewritten as it grows. A
    /// message `id` already recorded for this conversation is a duplicate: nothing is appended,
    /// and the call returns false. Message texts are never logged.
    ///
    /// ```swift
    /// try await leads.record(message: "What does Pro cost?", id: "m1", from: "visitor", conversation: "C-77", lead: "L-1042")
    /// ```
    /// - Throws: ``LeadJournalError`` when the message is invalid (empty text, sender or ids) or the
    ///   conversation belongs to another lead.
    @discardableResult
    public func record(
        message text: String, id: String? = nil, from sender: String, conversation: String, lead: String,
        at: Date = Date()
    ) async throws -> Bool {
        let report = try await record([
            ConversationEntry(
                lead: lead, conversation: conversation, atMilliseconds: Timestamp.epochMilliseconds(at),
                message: .init(id: id, from: sender, text: text))
        ])
        if let refusal = report.refused[0] { throw LeadJournalError(refusal) }
        return report.duplicateMessages == 0
    }

    /// Records conversation messages and summaries in one transaction. Invalid entries and
    /// entries naming another lead's conversation are refused (in the report, by index) without
    /// blocking the others.
    public func record(_ entries: [ConversationEntry]) async throws -> ConversationRecordReport {
        try await journal.conversations.record(entries)
    }

    /// The journal's counters: pending changes and leads, awaiting an email, unmatched,
    /// rejected, skipped, and when the last sync completed or what it last failed on.
    public func status() async throws -> JournalStatus {
        try await journal.leads.status()
    }

    /// Everything known about one lead — its current values, each field's delivery state, its
    /// HubSpot contact id, what is pending and what HubSpot rejected — or nil when the journal
    /// has never seen it.
    public func lead(_ id: String) async throws -> LeadRecord? {
        try await journal.leads.lead(id)
    }

    /// The service that drains this journal into HubSpot, following new changes until the
    /// service group shuts down. Run it in a `ServiceGroup` (or call `run()` in a task).
    ///
    /// - Parameter logger: where the sync logs (info and below; never a token or a message text).
    public func syncService(logger: Logger = Logger(label: "leadsync.sync")) -> SyncService {
        SyncService(leads: self, logger: logger)
    }
}

/// A lead change or message the journal refused, naming what is wrong.
public struct LeadJournalError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }
}
