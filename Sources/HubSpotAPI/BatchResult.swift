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

    init(json: JSONValue) throws {
        results = try json.elements(of: "results", Contact.init(json:))
        // A 207's refusals are few and varied: they keep the Decodable reading every other
        // HubSpot error has (HubSpotError+Response.swift).
        if let refusals = json["errors"], case .array(let list) = refusals, !list.isEmpty {
            errors = try JSONDecoder().decode([WireError].self, from: Data(refusals.text.utf8))
        } else {
            errors = []
        }
    }
}
