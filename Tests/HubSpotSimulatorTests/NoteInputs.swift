/// Builders of note bodies for the tests: a create input associated with contacts by the
/// HubSpot-defined note → contact type.
enum NoteInputs {
    static let notes = "/crm/v3/objects/notes"
    static let versioned = "/crm/objects/2026-03/notes"
    static let timestamp = "2026-11-28T10:15:00Z"

    static func create(
        _ body: String, contacts: [String], timestamp: String? = NoteInputs.timestamp, trace: String? = nil,
        extra: [String: String] = [:]
    ) -> [String: Any] {
        var properties = extra.merging(["hs_note_body": body]) { _, new in new }
        properties["hs_timestamp"] = timestamp
        var input: [String: Any] = [
            "properties": properties,
            "associations": contacts.map { id in
                ["to": ["id": id], "types": [["associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 202]]]
            },
        ]
        if let trace { input["objectWriteTraceId"] = trace }
        return input
    }
}
