/// Faults injected into API answers (never into `/_sim/` control calls).
///
/// Random faults draw from the simulator's seeded generator, so a run with the same seed and the
/// same request sequence fails the same requests. Scheduled faults ("fail the Nth request") are
/// added with ``HubSpotSimulator/injectFault(_:onRequest:persistent:path:applied:)``.
public struct FaultPlan: Sendable, Equatable {
    /// Share of requests answered with a 5xx (one of `serverErrorStatuses`, chosen at random).
    public var serverErrorRate = 0.0
    public var serverErrorStatuses = [500, 502, 503, 504]
    /// Share of requests answered 429 `TEN_SECONDLY_ROLLING` regardless of the real budget.
    public var rateLimitRate = 0.0
    /// Share of requests whose connection is reset instead of answered.
    public var resetRate = 0.0
    /// Share of requests that hang `hangMilliseconds`, then have their connection dropped.
    public var hangRate = 0.0
    public var hangMilliseconds = 2_000
    /// Whether a faulted write is applied server-side before the fault hides the answer (a lost
    /// response) or not at all (a failed request).
    public var applyBeforeFailing = false
    /// Share of write requests (contacts, notes, associations) that are served in full and then
    /// have their connection closed without an answer: the client cannot tell whether the write
    /// happened. Drawn only for writes, independently of the shares above.
    public var applyThenDropRate = 0.0

    public init() {}

    var isEmpty: Bool { serverErrorRate == 0 && rateLimitRate == 0 && resetRate == 0 && hangRate == 0 }
}

/// One way to misbehave on a request.
public enum Fault: Sendable, Equatable {
    /// Answer with this status (5xx, 423, 477, …) and a short HubSpot-style body; 502/504 with a
    /// Cloudflare-like HTML page.
    case status(Int)
    /// Answer 429 `TEN_SECONDLY_ROLLING`.
    case rateLimit
    /// Reset the connection (TCP RST) without answering.
    case reset
    /// Hang this long, then drop the connection without answering.
    case hang(milliseconds: Int)
    /// Answer normally, but only after this long (a slow response; the request is applied).
    case slow(milliseconds: Int)
}
