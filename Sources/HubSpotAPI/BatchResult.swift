import Foundation
import LeadSyncSupport

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

struct WireBatchResponse {
    var results: [Contact]
    var errors: [WireError]

    /// Reads an answer whose records keep only the properties named in `keeping`, all when nil.
    init(reading json: inout JSONParser, keeping: [String]?) throws {
        var results: [Contact] = []
        var errors: [WireError] = []
        try JSONParser.readObject(&json, "a batch answer") { key, json in
            switch key {
            case "results":
                results = try JSONParser.readArray(&json, "`results`") { try Contact(reading: &$0, keeping: keeping) }
            case "errors":
                // A 207's refusals are few and varied: they keep the Decodable reading every other
                // HubSpot error has (HubSpotError+Response.swift).
                let refusals = try json.readValue()
                if case .array(let list) = refusals, !list.isEmpty {
                    errors = try JSONDecoder().decode([WireError].self, from: Data(refusals.text.utf8))
                }
            default: _ = try json.readValue()
            }
        }
        self.results = results
        self.errors = errors
    }
}
