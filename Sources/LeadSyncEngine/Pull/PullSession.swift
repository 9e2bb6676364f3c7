import LeadSyncJournal
internal import LeadSyncSupport

/// One run of `PullImporter`: the configuration it read at the start (mappings, rules, settings),
/// the identity index of local leads, and what it has counted so far.
struct PullSession: Sendable {
    let journal: any JournalStores
    let settings: [SettingKey: String]
    let filters: [PullFilter]
    /// HubSpot property → lead field.
    let fieldsByProperty: [String: String]
    /// What every read asks for: mapped properties, identity, modification time, rule properties.
    let properties: [String]
    /// Identity email (trimmed, lowercased) → lead ids.
    private var leadsByEmail: [String: [String]] = [:]
    private var counted = Set<String>()
    private(set) var counts = PullCounts()
    /// Contacts read, re-reads included.
    var read = 0

    init(journal: any JournalStores) async throws {
        let configuration = journal.configuration
        let (mappings, rules, settings) = (
            try await configuration.mappings(), try await configuration.pullRules(), try await configuration.settings()
        )
        self.journal = journal
        self.settings = settings
        self.filters = try rules.map { rule throws(PullError) in
            try PullFilter(property: rule.property, op: rule.op.rawValue, values: rule.values)
        }
        self.fieldsByProperty = Dictionary(mappings.map { ($0.property, $0.field) }, uniquingKeysWith: { a, _ in a })
        let identity = [
            PulledContact.emailProperty, PulledContact.additionalEmailsProperty, PulledContact.lastModifiedProperty,
        ]
        self.properties = Set(fieldsByProperty.keys).union(identity).union(filters.map(\.property)).sorted()
        for (lead, value) in try await journal.leads.identityValues() {
            let email = EmailIdentity.normalize(value.wireString)
            if !email.isEmpty { leadsByEmail[email, default: []].append(lead) }
        }
    }

    /// Links, merges and journals one page of contacts with `settings` (the pull's progress) in one
    /// transaction. Contacts outside the pull rules are skipped. With `skippingProcessed`, so are
    /// contacts already processed at this `lastmodifieddate` (search re-reads: the overlap window,
    /// a resumed pull), which are not counted either; a full pull counts every contact it lists.
    mutating func process(
        _ contacts: [PulledContact], skippingProcessed: Bool, settings: [SettingKey: String?]
    ) async throws {
        let admitted = contacts.filter { PullFilter.admit($0, filters) }
        let candidates = admitted.flatMap { contact in
            contact.identityEmails.flatMap { leadsByEmail[$0] ?? [] } + [ContactLink.newLeadId(forContact: contact.id)]
        }
        let snapshots = try await journal.leads.leadSnapshots(leads: candidates, remoteIDs: admitted.map(\.id))
        var byLead = Dictionary(snapshots.map { ($0.lead, $0) }, uniquingKeysWith: { a, _ in a })
        var byRemote = Dictionary(
            snapshots.compactMap { s in s.remoteID.map { ($0, s) } }, uniquingKeysWith: { a, _ in a })
        var updates: [PulledUpdate] = []
        for contact in admitted {
            let link = ContactLink.find(
                for: contact, leadLinked: { byRemote[$0] },
                leadsWithEmail: { [leadsByEmail] in (leadsByEmail[$0] ?? []).compactMap { byLead[$0] } },
                lead: { byLead[$0] })
            if skippingProcessed, link.hasProcessed(contact) { continue }
            let merge = PullMerge(contact: contact, link: link, fieldsByProperty: fieldsByProperty)
            updates.append(merge.update)
            if counted.insert(contact.id).inserted { counts.count(merge.outcome) }

            // Later contacts of this page see this one's link and values.
            var after = byLead[merge.lead] ?? LeadSnapshot(lead: merge.lead, remoteID: nil)
            if let previous = after.remoteID, previous != contact.id { byRemote[previous] = nil }
            after.remoteID = contact.id
            after.fields.merge(merge.changes) { _, new in new }
            after.baseValues.merge(merge.baseValues) { _, new in new }
            byLead[merge.lead] = after
            byRemote[contact.id] = after
            if case .created = link {
                for email in contact.identityEmails { leadsByEmail[email, default: []].append(merge.lead) }
            }
        }
        try await journal.ledger.applyPulled(updates, settings: settings)
    }
}
