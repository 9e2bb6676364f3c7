import Foundation
import HubSpotSimulator
import LeadSyncTestKit
import LeadSyncWorkload

/// Whether HubSpot ever held an older value of a lead's field after a newer one: each contact's
/// property history (HubSpot's `propertiesWithHistory`, read through the API) must follow the
/// input's order of that field's values (by `at`, ties by input order). Re-sending a value is
/// fine; going back to a value the input had already replaced is not.
struct WriteOrder {
    /// Lead → mapped property → the values the input gave it, oldest first, as sent (emails
    /// trimmed and lowercased; clears left out, since HubSpot's history does not show them).
    private var inputs: [String: [String: [String]]] = [:]
    /// Lead → the contact's email key (the winning email).
    private var emails: [String: String] = [:]
    private let properties: [String]

    init(_ changes: [GeneratedChange], mappings: [String: String]) {
        properties = Array(Set(mappings.values)).sorted()
        var ordered: [String: [String: [(at: Int64, order: Int, value: String)]]] = [:]
        for (order, change) in changes.enumerated() {
            for field in change.fields {
                guard let property = mappings[field.name] else { continue }
                var value = field.value.wireString
                if property == "email" { value = value.trimmingCharacters(in: .whitespaces).lowercased() }
                ordered[change.lead, default: [:]][property, default: []].append((change.atMilliseconds, order, value))
            }
        }
        for (lead, byProperty) in ordered {
            let sorted = byProperty.mapValues { $0.sorted { ($0.at, $0.order) < ($1.at, $1.order) }.map(\.value) }
            inputs[lead] = sorted.mapValues { $0.filter { !$0.isEmpty } }
            if let email = sorted["email"]?.last, !email.isEmpty { emails[lead] = email }
        }
    }

    /// Reads every contact's history; returns one line per violation (empty: none) and how many
    /// histories held more than one value (so a caller knows the check had something to check).
    func violations(in simulator: HubSpotSimulator, token: String) throws -> (found: [String], changedValues: Int) {
        let port = Int(simulator.baseURL.split(separator: ":").last ?? "") ?? 0
        let client = LoopbackHTTPClient(port: port)
        defer { client.close() }
        let ids = simulator.contacts().filter { !$0.archived }.map(\.id)
        var histories: [String: [String: [String]]] = [:]  // email → property → values, oldest first
        for start in stride(from: 0, to: ids.count, by: 50) {
            let answer = try client.json(
                "POST", "/crm/v3/objects/contacts/batch/read", token: token,
                body: [
                    "inputs": ids[start..<min(start + 50, ids.count)].map { ["id": $0] },
                    "properties": properties, "propertiesWithHistory": properties,
                ])
            guard answer.status == 200, let results = answer.json["results"] as? [[String: Any]] else {
                return (["history read failed: \(answer)"], 0)
            }
            for result in results {
                guard let email = (result["properties"] as? [String: Any])?["email"] as? String else { continue }
                let versions = result["propertiesWithHistory"] as? [String: [[String: Any]]] ?? [:]
                histories[email] = versions.mapValues { $0.compactMap { $0["value"] as? String }.reversed() }
            }
        }
        var found: [String] = []
        var changedValues = 0
        for (lead, email) in emails {
            guard let history = histories[email] else { continue }
            for (property, written) in history {
                if written.count > 1 { changedValues += 1 }
                let given = inputs[lead]?[property] ?? []
                // Each written value must appear in the input at or after the previous one's place.
                var place = 0
                for value in written where !value.isEmpty {
                    guard let next = given[place...].firstIndex(of: value) else {
                        found.append("lead \(lead) \(property): HubSpot held \(written), the input gave \(given)")
                        break
                    }
                    place = next
                }
            }
        }
        return (found, changedValues)
    }
}
