package import LeadSyncJournal

/// Which lead a pulled contact belongs to (cli-contract.md, `pull`): the lead linked to its HubSpot
/// id; else a lead whose email is the contact's primary email or one of its `hs_additional_emails`;
/// else a new lead `hubspot-<contact id>`.
package enum ContactLink: Sendable, Hashable {
    /// The lead already linked to this contact.
    case linked(LeadSnapshot)
    /// A lead found by email (or by the id a pull gives new leads) that is not linked to this
    /// contact yet; the pull links it.
    case matched(LeadSnapshot)
    /// No lead matches: the pull creates this lead id.
    case created(lead: String)

    /// Whether this contact, as read now, was already processed by an earlier pull (or an earlier
    /// page of this one): its lead is linked to it and remembers a `lastmodifieddate` at least as
    /// recent. Such a contact, read again only because of the search overlap or a resumed pull, is
    /// neither applied nor counted again.
    package func hasProcessed(_ contact: PulledContact) -> Bool {
        guard case .linked(let lead) = self,
            let processed = lead.baseValues[PulledContact.lastModifiedProperty].flatMap(
                PropertyInstant.epochMilliseconds)
        else { return false }
        return processed >= contact.lastModified
    }

    /// The id of a lead a pull creates for a contact.
    package static func newLeadId(forContact id: String) -> String { "hubspot-\(id)" }

    /// Finds the lead for `contact`.
    ///
    /// A lead found by email that is linked to another contact is not taken over: HubSpot keeps
    /// emails unique across contacts, so that lead's own contact has since lost the email, and the
    /// link by id stays authoritative. Among several leads sharing an email, the first unlinked one
    /// in lead id order is chosen, so repeated pulls choose the same one.
    ///
    /// - Parameters:
    ///   - leadLinked: the lead linked to a contact id, if any.
    ///   - leadsWithEmail: the leads whose identity email (trimmed, lowercased) is the given one.
    ///   - lead: the lead with a given lead id, if it exists.
    package static func find(
        for contact: PulledContact,
        leadLinked: (String) -> LeadSnapshot?,
        leadsWithEmail: (String) -> [LeadSnapshot],
        lead: (String) -> LeadSnapshot?
    ) -> ContactLink {
        if let linked = leadLinked(contact.id) { return .linked(linked) }
        for email in contact.identityEmails {
            let candidates = leadsWithEmail(email).filter { $0.remoteID == nil }.sorted { $0.lead < $1.lead }
            if let first = candidates.first { return .matched(first) }
        }
        let newId = newLeadId(forContact: contact.id)
        // A lead of that id exists when this contact was pulled before and its link was dropped or
        // moved since; the lead is named for this contact, so it takes the link back.
        if let existing = lead(newId) { return .matched(existing) }
        return .created(lead: newId)
    }
}
