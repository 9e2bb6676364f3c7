/// What a drain did, for the progress line and the final summary.
public struct DrainSummary: Sendable, Hashable, Codable {
    /// Lead records HubSpot acknowledged.
    public var delivered = 0
    /// Field values HubSpot acknowledged.
    public var deliveredValues = 0
    /// Field values refused (locally or by HubSpot).
    public var rejected = 0
    /// Field values an `if-empty` rule did not send.
    public var skipped = 0
    /// Leads left waiting for an email.
    public var awaitingIdentity = 0
    /// Leads left waiting for a matching contact (create off).
    public var unmatched = 0
    /// Requests sent, retries included.
    public var requests = 0
    /// Write requests (upsert and update) and their inputs, for the batch fill.
    public var writeRequests = 0
    public var writeInputs = 0
    /// Conversation notes created and updated (per note).
    public var notesCreated = 0
    public var notesUpdated = 0
    /// 429 answers.
    public var rateLimited = 0
    /// Wall time of the drain, seconds.
    public var elapsedSeconds = 0.0

    public init() {}

    /// Adds what another lane of the same sync did (the notes lane's requests share the budget).
    public mutating func absorb(_ other: DrainSummary) {
        notesCreated += other.notesCreated
        notesUpdated += other.notesUpdated
        requests += other.requests
        writeRequests += other.writeRequests
        writeInputs += other.writeInputs
        rateLimited += other.rateLimited
    }

    /// Mean inputs per write request over HubSpot's maximum of 100 (1.0 = every batch full).
    public var batchFill: Double {
        writeRequests == 0 ? 0 : Double(writeInputs) / Double(writeRequests * BatchPlanner.maximumInputs)
    }
}
