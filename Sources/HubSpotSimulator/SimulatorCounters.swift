/// What the simulator has seen since start or the last reset.
public struct SimulatorCounters: Sendable, Equatable {
    /// Requests per endpoint name (e.g. `contacts.batch.upsert`) and HTTP status (0 = no answer).
    public var requests: [String: [Int: Int]] = [:]
    /// API requests in total (control calls excluded).
    public var totalRequests = 0
    /// 429 answers, whatever their cause (budget, search limit or injected fault).
    public var rateLimited = 0
    /// Inputs received by write batches and single writes (upsert/create/update/archive).
    public var recordsReceived = 0
    /// Inputs per endpoint name, counted from each request's `inputs` list (batch reads and writes,
    /// whatever the answer): with `requests`, how full an endpoint's batches were.
    public var inputs: [String: Int] = [:]
    /// Successful refresh-token grants.
    public var refreshes = 0
    /// Faults injected (random and scheduled).
    public var faultsInjected = 0
    /// 401s for access tokens that ``HubSpotSimulator/expireAccessTokens()`` ended before their
    /// lifetime was over: failures the caller caused, unlike a token that simply expired.
    public var refusedEndedEarly = 0
    /// Write requests served with a 2xx whose answer was then dropped (`applyThenDropRate`).
    public var appliedThenDropped = 0
    /// Notes created (batch or single create, or an upsert that created).
    public var notesCreated = 0
    /// Note updates applied (batch or single update, or an upsert of an existing note).
    public var notesUpdated = 0
    /// The most API requests seen in any rolling 10-second window.
    public var maxRequestsInTenSeconds = 0

    public init() {}

    /// Requests answered with `status` on `endpoint`.
    public func count(_ endpoint: String, status: Int) -> Int { requests[endpoint]?[status] ?? 0 }
    /// Requests on `endpoint` with any status.
    public func count(_ endpoint: String) -> Int { requests[endpoint]?.values.reduce(0, +) ?? 0 }

    var json: JSONValue {
        .object([
            (
                "requests",
                .object(
                    requests.sorted { $0.key < $1.key }.map { endpoint, statuses in
                        (
                            endpoint,
                            .object(statuses.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) })
                        )
                    })
            ),
            ("inputs", .object(inputs.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("totalRequests", .int(totalRequests)), ("rateLimited", .int(rateLimited)),
            ("recordsReceived", .int(recordsReceived)), ("refreshes", .int(refreshes)),
            ("faultsInjected", .int(faultsInjected)), ("refusedEndedEarly", .int(refusedEndedEarly)),
            ("maxRequestsInTenSeconds", .int(maxRequestsInTenSeconds)),
            ("appliedThenDropped", .int(appliedThenDropped)), ("notesCreated", .int(notesCreated)),
            ("notesUpdated", .int(notesUpdated)),
        ])
    }
}
