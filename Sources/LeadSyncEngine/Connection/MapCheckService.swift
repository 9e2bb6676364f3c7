public import HubSpotAPI
public import LeadSyncJournal

/// `leadsync map check`: every mapping against HubSpot's contact properties (exists, writable,
/// type, and the pending values of up to ``sampleLeads`` leads against the property's type and
/// options), and the lead fields in the journal that no mapping covers.
public struct MapCheckService: Sendable {
    /// One mapping's verdict.
    public struct Verdict: Sendable, Hashable {
        public var mapping: Mapping
        /// Nil when the mapping is usable.
        public var problem: String?
        public var ok: Bool { problem == nil }
    }

    public struct Report: Sendable {
        public var verdicts: [Verdict]
        public var unmappedFields: [String]
        public var allValid: Bool { verdicts.allSatisfy(\.ok) }
    }

    /// The property types a lead value can be written to.
    static let writableTypes: Set<String> = ["string", "number", "date", "datetime", "enumeration", "bool", "phone_number"]

    /// Default 2,000 pending leads: enough to find a wrong value type, fast on any journal.
    public var sampleLeads = 2_000

    let journal: Journal
    let client: HubSpotClient

    public init(journal: Journal, client: HubSpotClient) {
        self.journal = journal
        self.client = client
    }

    public func check() async throws -> Report {
        let properties = try await client.contactProperties().value
        let byName = Dictionary(properties.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let mappings = try await journal.configuration.mappings()
        let valueProblems = try await pendingValueProblems(byName)
        let verdicts = mappings.map {
            Verdict(mapping: $0, problem: Self.problem(with: $0, byName[$0.property]) ?? valueProblems[$0.field])
        }
        let mapped = Set(mappings.map(\.field))
        let unmapped = try await journal.leads.fieldsSeen().filter { !mapped.contains($0) }
        return Report(verdicts: verdicts, unmappedFields: unmapped)
    }

    /// The first pending value per field that HubSpot would refuse, named with its lead.
    private func pendingValueProblems(_ properties: [String: PropertyDefinition]) async throws -> [String: String] {
        var problems: [String: String] = [:]
        for lead in try await journal.leads.pendingLeads(limit: sampleLeads) {
            for field in lead.fields where problems[field.field] == nil {
                guard let property = properties[field.property], let problem = property.problem(with: field.value.wireString) else { continue }
                problems[field.field] = "lead \(lead.lead): \(problem) for \"\(property.name)\" (\(property.type))"
            }
        }
        return problems
    }

    static func problem(with mapping: Mapping, _ property: PropertyDefinition?) -> String? {
        guard let property else { return "HubSpot has no contact property \"\(mapping.property)\"" }
        if !property.isWritable { return "\"\(property.name)\" is read-only in HubSpot" }
        if !writableTypes.contains(property.type) { return "\"\(property.name)\" has type \(property.type), which leads cannot write" }
        if mapping.property == Mapping.identityProperty, property.type != "string" {
            return "the identity property \"\(property.name)\" must be a string"
        }
        if property.type == "enumeration", property.fieldType != "booleancheckbox", property.options.isEmpty {
            return "\"\(property.name)\" is an enumeration without options: every value would be refused"
        }
        return nil
    }
}
