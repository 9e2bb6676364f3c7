package import Foundation
package import LeadSyncSupport

/// The seam between the engine and where a journal is kept (decision 0026): the stores the
/// engine and the CLI use, as protocols. SQLite's ``Journal`` is one implementation; a tenant of
/// a PostgreSQL store is another. Each protocol holds only what callers use; maintenance (check,
/// compaction, backup, file size) is SQLite's own and stays on ``Journal``.
///
/// The protocols are named like the SQLite stores with `Protocol` after (as the standard
/// library's `StringProtocol` beside `String`), so code written for one journal reads the same
/// for any: `journal.leads.status()`.
package protocol JournalStores: Sendable {
    associatedtype ChangeLogStore: ChangeLogProtocol
    associatedtype LeadStates: LeadStoreProtocol
    associatedtype Ledger: DeliveryLedgerProtocol
    associatedtype Configuration: ConfigurationStoreProtocol
    associatedtype Conversations: ConversationStoreProtocol

    /// Appends and the fold.
    var changeLog: ChangeLogStore { get }
    /// Reads of lead state.
    var leads: LeadStates { get }
    /// The remote's answers and what it holds.
    var ledger: Ledger { get }
    /// Mappings, push rules, pull rules and settings.
    var configuration: Configuration { get }
    /// Conversation messages and summaries, and the state of their notes.
    var conversations: Conversations { get }
}

/// Appends of lead changes and the fold into derived state (``ChangeLog``).
package protocol ChangeLogProtocol: Sendable {
    /// Appends one change; returns its sequence number. Durable when it returns.
    func record(lead: String, fields: [String: FieldValue], at: Date) async throws -> Int64
    /// Appends changes in one transaction; returns the last sequence number (nil for none).
    func record(_ changes: [LeadChange]) async throws -> Int64?
    /// The highest sequence number appended (0 for none).
    func lastSeq() async throws -> Int64
    /// Brings derived state up to date with every append; returns the changes folded.
    func fold() async throws -> Int
}

extension ChangeLogProtocol {
    /// Appends one change made now.
    package func record(lead: String, fields: [String: FieldValue]) async throws -> Int64 {
        try await record(lead: lead, fields: fields, at: Date())
    }
}

/// Reads of lead state (``LeadStore``).
package protocol LeadStoreProtocol: Sendable {
    func status() async throws -> JournalStatus
    /// One lead's values, delivery states, pending changes and rejections; nil when unknown.
    func lead(_ key: String) async throws -> LeadRecord?
    /// Every lead field any change has carried, sorted.
    func fieldsSeen() async throws -> [String]
    /// Up to `limit` leads with something to push, after the window cursor `cursor`.
    func pendingLeads(limit: Int, after cursor: Int64) async throws -> [PendingLead]
    /// Up to `limit` pending leads changed after `seq` (the drain's fresh changes), and the
    /// sequence number the read covers through.
    func pendingLeads(changedAfter seq: Int64, limit: Int) async throws -> (leads: [PendingLead], through: Int64)
    /// Up to `limit` leads linked to a remote record, after the window cursor `cursor`.
    func linkedLeads(limit: Int, after cursor: Int64) async throws -> [LinkedLead]
    /// About `count` linked leads spread over the journal.
    func linkedLeadsSample(_ count: Int) async throws -> [LinkedLead]
    /// Every lead's identity value (for pull's matching).
    func identityValues() async throws -> [(lead: String, value: FieldValue)]
    /// What pull needs to merge remote records into these leads.
    func leadSnapshots(leads: [String], remoteIDs: [String]) async throws -> [LeadSnapshot]
    /// When the oldest pending change was made (epoch ms), nil when nothing is pending.
    func oldestPendingAt() async throws -> Int64?
}

extension LeadStoreProtocol {
    package func pendingLeads(limit: Int) async throws -> [PendingLead] {
        try await pendingLeads(limit: limit, after: 0)
    }
    package func linkedLeads(limit: Int) async throws -> [LinkedLead] { try await linkedLeads(limit: limit, after: 0) }
}

/// What the remote answered and holds (``DeliveryLedger``).
package protocol DeliveryLedgerProtocol: Sendable {
    /// Records a sync step's outcomes and lead marks in one transaction.
    func recordSyncStep(outcomes: [LeadOutcome], marks: [String: LeadMark], at now: Date) async throws
    /// Applies pulled remote records and the pull's settings in one transaction.
    func applyPulled(_ updates: [PulledUpdate], settings: [SettingKey: String?]) async throws
    /// Forgets every remote id, base value and mark (a new HubSpot account).
    func forgetRemoteState() async throws
    /// Rejected changes, of one lead or of all.
    func rejectedEntries(lead: String?) async throws -> [RejectedEntry]
    /// Makes rejected entries (all when `ids` is nil) pending again; returns how many.
    func retryRejected(ids: [String]?) async throws -> Int
}

extension DeliveryLedgerProtocol {
    package func recordSyncStep(outcomes: [LeadOutcome], marks: [String: LeadMark]) async throws {
        try await recordSyncStep(outcomes: outcomes, marks: marks, at: Date())
    }
    package func rejectedEntries() async throws -> [RejectedEntry] { try await rejectedEntries(lead: nil) }
}

/// Mappings, push rules, pull rules and settings (``ConfigurationStore``).
package protocol ConfigurationStoreProtocol: Sendable {
    func mappings() async throws -> [Mapping]
    /// Sets a field's mapping; returns the one it replaced.
    func setMapping(_ mapping: Mapping) async throws -> Mapping?
    /// Removes a field's mapping; false when there was none.
    func removeMapping(field: String) async throws -> Bool
    func pushRules() async throws -> PushRules
    /// Changes the push rules (nil keeps a rule); says whether create was just turned off.
    func setPushRules(update: Bool?, create: Bool?) async throws -> (rules: PushRules, createTurnedOff: Bool)
    func pullRules() async throws -> [PullRule]
    func addPullRule(property: String, op: PullRule.Operator, values: [String]) async throws -> PullRule
    func removePullRule(id: String) async throws
    func setting(_ key: SettingKey) async throws -> String?
    /// Sets (or, for nil, removes) settings in one transaction.
    func setSettings(_ values: [SettingKey: String?]) async throws
    func setSetting(_ key: SettingKey, _ value: String?) async throws
    func settings() async throws -> [SettingKey: String]
}

/// Conversation messages and summaries, and the state of their notes (``ConversationStore``).
package protocol ConversationStoreProtocol: Sendable {
    func record(_ entries: [ConversationEntry]) async throws -> ConversationRecordReport
    /// Up to `limit` conversations whose note is behind, after the conversation `after`.
    func pending(after: String?, limit: Int) async throws -> [PendingConversation]
    func transcript(of conversation: String) async throws -> (ConversationTranscript, [ConversationNote])
    func apply(_ outcomes: [NoteOutcome], at now: Date) async throws
    func counts() async throws -> ConversationCounts
    func conversations(ofLead lead: String) async throws -> [ConversationInfo]
    func conversationsWithNotes() async throws -> [ConversationInfo]
    func rejected() async throws -> [RejectedConversation]
    /// Forgets every note id (a new HubSpot account).
    func forgetNotes() async throws
    /// Makes rejected conversations pending again; returns how many.
    func retry(_ conversations: [String]) async throws -> Int
}

extension ConversationStoreProtocol {
    package func apply(_ outcomes: [NoteOutcome]) async throws { try await apply(outcomes, at: Date()) }
}

extension Journal: JournalStores {}
extension ChangeLog: ChangeLogProtocol {}
extension LeadStore: LeadStoreProtocol {}
extension DeliveryLedger: DeliveryLedgerProtocol {}
extension ConfigurationStore: ConfigurationStoreProtocol {}
extension ConversationStore: ConversationStoreProtocol {}
