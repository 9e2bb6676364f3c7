import LeadSyncSupport

@testable import LeadSyncJournal

/// Pending leads as the journal hands them to the engine, for tests that feed the state machine.
enum PendingLeadFixture {
    /// The default mappings' properties, plus `budget` (number) and `company` with `companyRule`.
    static func lead(
        _ id: String, email: String? = nil, remoteID: String? = nil, identity: String? = nil, seq: Int64 = 1,
        at: Int64 = 1, mark: LeadMark = .none, companyRule: Mapping.WriteRule = .overwrite,
        _ values: [String: FieldValue] = ["first_name": .string("Ada")]
    ) -> PendingLead {
        var all = values
        if let email { all["email"] = .string(email) }
        let properties = ["email": "email", "first_name": "firstname", "company": "company", "budget": "budget"]
        let fields = all.sorted { $0.key < $1.key }.map { name, value in
            PendingLead.Field(
                field: name, property: properties[name] ?? name, write: name == "company" ? companyRule : .overwrite,
                value: value, seq: seq, atMilliseconds: at)
        }
        return PendingLead(
            cursor: seq, lead: id, remoteID: remoteID, identity: (email ?? identity).map { .string($0) }, mark: mark,
            fields: fields)
    }
}
