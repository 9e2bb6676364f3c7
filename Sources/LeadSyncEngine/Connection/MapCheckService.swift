package import HubSpotAPI
package import LeadSyncJournal

/// `leadsync map check`: every mapping against HubSpot's contact properties (exists, writable,
/// type), the lead fields in the journal that no mapping covers, the mapped fields the journal
/// has never seen (a typo in `map set`), and the current values of up to ``sampleLeads`` pending
/// leads that HubSpot would refuse.
///
/// A value HubSpot would refuse is not a problem with its mapping: it is rejected on its own at
/// sync and the rest of the lead goes through. So only mapping problems make ``Report/allValid``
/// false.
package struct MapCheckService: Sendable {
    /// One mapping's verdict.
    package struct Verdict: Sendable, Hashable {
        package var mapping: Mapping
        /// Nil when the mapping is usable.
        package var problem: String?
        package var ok: Bool { problem == nil }
    }

    /// One lead's current value that HubSpot would refuse.
    package struct InvalidValue: Sendable, Hashable {
        package var field: String
        package var lead: String
        /// The value as it would be sent.
        package var value: String
        package var problem: String

        package init(field: String, lead: String, value: String, problem: String) {
            self.field = field
            self.lead = lead
            self.value = value
            self.problem = problem
        }
    }

    package struct Report: Sendable {
        package var verdicts: [Verdict]
        package var unmappedFields: [String]
        /// Mapped fields no change in the journal has ever carried.
        package var unseenFields: [String]
        /// The first ``MapCheckService/maxInvalidValues`` values HubSpot would refuse.
        package var invalidValues: [InvalidValue]
        /// How many values HubSpot would refuse in all (in the leads sampled).
        package var invalidValueCount: Int
        package var allValid: Bool { verdicts.allSatisfy(\.ok) }
    }

    /// The property types a lead value can be written to.
    static let writableTypes: Set<String> = [
        "string", "number", "date", "datetime", "enumeration", "bool", "phone_number",
    ]

    /// Invalid values listed in a report (the rest are counted).
    package static let maxInvalidValues = 100

    /// Default 2,000 pending leads: enough to find a wrong value type, fast on any journal.
    package var sampleLeads = 2_000

    let journal: any JournalStores
    let client: HubSpotClient

    package init(journal: any JournalStores, client: HubSpotClient) {
        self.journal = journal
        self.client = client
    }

    package func check() async throws -> Report {
        let properties = try await client.contactProperties().value
        let byName = Dictionary(properties.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let mappings = try await journal.configuration.mappings()
        let verdicts = mappings.map { Verdict(mapping: $0, problem: Self.problem(with: $0, byName[$0.property])) }
        let mapped = Set(mappings.map(\.field))
        let seen = try await journal.leads.fieldsSeen()
        var report = Report(
            verdicts: verdicts, unmappedFields: seen.filter { !mapped.contains($0) },
            unseenFields: mappings.map(\.field).filter { !seen.contains($0) }, invalidValues: [], invalidValueCount: 0)
        try await findInvalidValues(byName, into: &report)
        return report
    }

    /// The pending values HubSpot would refuse, each named with its lead.
    private func findInvalidValues(_ properties: [String: PropertyDefinition], into report: inout Report) async throws {
        for lead in try await journal.leads.pendingLeads(limit: sampleLeads) {
            for field in lead.fields {
                let value = field.value.wireString
                guard let property = properties[field.property], let problem = property.problem(with: value) else {
                    continue
                }
                report.invalidValueCount += 1
                guard report.invalidValues.count < Self.maxInvalidValues else { continue }
                report.invalidValues.append(
                    InvalidValue(
                        field: field.field, lead: lead.lead, value: value,
                        problem: "\(problem) for \"\(property.name)\" (\(property.type))"))
            }
        }
    }

    static func problem(with mapping: Mapping, _ property: PropertyDefinition?) -> String? {
        guard let property else { return "HubSpot has no contact property \"\(mapping.property)\"" }
        if !property.isWritable { return "\"\(property.name)\" is read-only in HubSpot" }
        if !writableTypes.contains(property.type) {
            return "\"\(property.name)\" has type \(property.type), which leads cannot write"
        }
        if mapping.property == Mapping.identityProperty, property.type != "string" {
            return "the identity property \"\(property.name)\" must be a string"
        }
        if property.type == "enumeration", property.fieldType != "booleancheckbox", property.options.isEmpty {
            return "\"\(property.name)\" is an enumeration without options: every value would be refused"
        }
        return nil
    }
}
