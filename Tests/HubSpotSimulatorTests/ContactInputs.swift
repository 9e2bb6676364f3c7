/// Builders of batch bodies for the tests: an upsert input keyed by email, and a batch wrapper.
enum ContactInputs {
    static let contacts = "/crm/v3/objects/contacts"
    static let versioned = "/crm/objects/2026-03/contacts"

    static func upsert(_ email: String, _ properties: [String: String] = [:], trace: String? = nil) -> [String: Any] {
        var input: [String: Any] = ["id": email, "idProperty": "email", "properties": properties]
        if let trace { input["objectWriteTraceId"] = trace }
        return input
    }

    static func batch(_ inputs: [[String: Any]]) -> [String: Any] { ["inputs": inputs] }

    /// `results` of a batch answer.
    static func results(_ json: [String: Any]) -> [[String: Any]] { json["results"] as? [[String: Any]] ?? [] }

    static func properties(_ result: [String: Any]) -> [String: String] {
        (result["properties"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
    }

    static func errors(_ json: [String: Any]) -> [[String: Any]] { json["errors"] as? [[String: Any]] ?? [] }

    static func context(_ error: [String: Any]) -> [String: [String]] { error["context"] as? [String: [String]] ?? [:] }
}
