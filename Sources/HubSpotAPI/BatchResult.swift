/// The answer to a batch write or read: the records that succeeded and, for a 207, one error per
/// refused input (matched by ``HubSpotError/traceIds`` or ``HubSpotError/ids``, never by position:
/// HubSpot answers in any order).
public struct BatchResult: Sendable {
    public var results: [Contact]
    public var errors: [HubSpotError]

    public init(results: [Contact], errors: [HubSpotError]) {
        self.results = results
        self.errors = errors
    }
}

struct WireBatchResponse: Decodable {
    var results: [Contact]?
    var errors: [WireError]?
}
