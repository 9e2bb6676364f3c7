/// Admits each request ``HubSpotClient`` sends to HubSpot's API (OAuth token calls excepted), so
/// one budget outside the client — the engine's `RequestBudget` — keeps every request of every
/// kind under the account's limits: batches, reads, lists, searches, property and account calls,
/// notes, and the second try after a token refresh.
package protocol RequestAdmission: Sendable {
    /// Returns when `operation` (e.g. `contacts.batch.upsert`) may be sent; throws when the
    /// caller's task is cancelled while it waits.
    func admit(_ operation: String) async throws -> AdmissionTicket
    /// The request admitted with `ticket` was answered or failed just now (HubSpot has counted it
    /// by then); `rateLimit`: the headers of its response, when there was one.
    func completed(_ ticket: AdmissionTicket, rateLimit: RateLimitInfo?)
}

/// Names one admitted request until it is completed.
package struct AdmissionTicket: Sendable, Hashable {
    package var id: UInt64

    package init(id: UInt64) { self.id = id }
}

/// Admits every request at once: for callers that pace by themselves, and tests.
package struct UnlimitedAdmission: RequestAdmission {
    package init() {}
    package func admit(_ operation: String) async throws -> AdmissionTicket { AdmissionTicket(id: 0) }
    package func completed(_ ticket: AdmissionTicket, rateLimit: RateLimitInfo?) {}
}
