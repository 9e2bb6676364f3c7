/// What a drain did, for the progress line and the final summary.
package struct DrainSummary: Sendable, Hashable, Codable {
    /// Lead records HubSpot acknowledged.
    package var delivered = 0
    /// Field values HubSpot acknowledged.
    package var deliveredValues = 0
    /// Field values refused (locally or by HubSpot).
    package var rejected = 0
    /// Field values an `if-empty` rule did not send.
    package var skipped = 0
    /// Leads left waiting for an email.
    package var awaitingIdentity = 0
    /// Leads left waiting for a matching contact (create off).
    package var unmatched = 0
    /// Requests sent, retries included.
    package var requests = 0
    /// Write requests (upsert and update) and their inputs, for the batch fill.
    package var writeRequests = 0
    package var writeInputs = 0
    /// Conversation notes created and updated (per note).
    package var notesCreated = 0
    package var notesUpdated = 0
    /// 429 answers.
    package var rateLimited = 0
    /// Wall time of the drain, seconds.
    package var elapsedSeconds = 0.0

    package init() {}

    /// Adds what another lane of the same sync did (the notes lane's requests share the budget).
    package mutating func absorb(_ other: DrainSummary) {
        notesCreated += other.notesCreated
        notesUpdated += other.notesUpdated
        requests += other.requests
        writeRequests += other.writeRequests
        writeInputs += other.writeInputs
        rateLimited += other.rateLimited
    }

    /// Mean inputs per write request over HubSpot's maximum of 100 (1.0 = every batch full).
    package var batchFill: Double {
        writeRequests == 0 ? 0 : Double(writeInputs) / Double(writeRequests * BatchPlanner.maximumInputs)
    }
}
