// The value types an app reads and writes through ``LeadJournal``, re-exported under their own
// names so that `import LeadSync` is all an app writes (decision 0021). Nothing else of the
// modules below is part of the embedding API.

public import LeadSyncJournal
public import LeadSyncSupport

// What running the sync takes, so the app's one import covers it: swift-log's `Logger` and
// swift-service-lifecycle's `Service` and `ServiceGroup` (the app owns the group, its signals
// and its shutdown).
@_exported public import struct Logging.Logger
@_exported public import protocol ServiceLifecycle.Service
@_exported public import class ServiceLifecycle.ServiceGroup

/// A field's value: `.string`, `.number` (decimal text, kept as written), `.bool`, or `.null`
/// (clears the property); string, integer and boolean literals work too.
public typealias FieldValue = LeadSyncSupport.FieldValue
/// One change of one lead, for ``LeadJournal/record(_:)-(LeadChange)``.
public typealias LeadChange = LeadSyncJournal.LeadChange
/// A conversation message or summary change, for ``LeadJournal/record(_:)-(ConversationEntry)``.
public typealias ConversationEntry = LeadSyncJournal.ConversationEntry
/// What recording conversation entries did: messages appended, duplicates, refusals by index.
public typealias ConversationRecordReport = LeadSyncJournal.ConversationRecordReport
/// The journal's counters, from ``LeadJournal/status()``.
public typealias JournalStatus = LeadSyncJournal.JournalStatus
/// One lead as the journal knows it, from ``LeadJournal/lead(_:)``.
public typealias LeadRecord = LeadSyncJournal.LeadRecord
/// Where a lead stands: ready, awaiting an email, unmatched, ...
public typealias LeadState = LeadSyncJournal.LeadState
/// Where a field's current value stands: pending, delivered, rejected, skipped, ...
public typealias DeliveryState = LeadSyncJournal.DeliveryState
/// A value HubSpot (or the local check) refused, with its category and message.
public typealias RejectedEntry = LeadSyncJournal.RejectedEntry
