/// The answer to a batch write or read: the records that succeeded and, for a 207, one error per
/// refused input (matched by ``HubSpotError/traceIds`` or ``HubSpotError/ids``, never by position:
/// HubSpot answers in any order).
package struct BatchResult: Sendable {
    package var results: [Contact]
    package var errors: [HubSpotError]

    package init(results: [Contact], errors: [HubSpotError]) {
        self.results = results
        self.errors = errors
    }
}

struct WireBatchResponse: Decodable {
    var results: [Contact]?
    var errors: [WireError]?
}
