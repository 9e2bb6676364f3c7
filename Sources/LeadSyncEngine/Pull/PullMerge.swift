package import LeadSyncJournal
package import LeadSyncSupport

/// What pulling one contact does to its lead, decided per field by product.md's conflict table:
///
/// | field of the lead | outcome |
/// |---|---|
/// | no pending local value | the lead takes HubSpot's value (journaled with origin `hubspot` only when it differs from the current value) |
/// | a pending local value | the local value stays pending; its write rule decides at push time |
///
/// Either way HubSpot's value becomes the property's base value. A pulled value is never pending,
/// so it is never pushed back as if it were a local change.
package struct PullMerge: Sendable, Hashable {
    /// How the contact counts in `pull --json` (cli-contract.md).
    package enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// It matched no lead; a lead was created.
        case created
        /// It matched a lead not yet linked to it.
        case linked
        /// Already linked, and at least one mapped field took a new value.
        case updated
        /// Already linked, and nothing was taken.
        case unchanged
    }

    package let contactId: String
    /// The contact's `lastmodifieddate` (epoch ms) these values are as of.
    package let lastModified: Int64
    package let lead: String
    /// True when the lead must be linked to the contact (created or matched by email).
    package let linksContact: Bool
    /// Field → value to journal with origin `hubspot`: only fields without a pending local value
    /// whose current value differs from HubSpot's. An empty HubSpot value is `.null` (cleared).
    package let changes: [String: FieldValue]
    /// Property → HubSpot's value (`""` when empty), for every mapped property: the new base values.
    /// Also `lastmodifieddate`, which marks the contact as processed up to that time
    /// (`ContactLink.hasProcessed`).
    package let baseValues: [String: String]
    package let outcome: Outcome

    /// - Parameters:
    ///   - contact: the contact as pulled.
    ///   - link: its lead (`ContactLink.find`).
    ///   - fieldsByProperty: the field mappings, HubSpot property → lead field.
    package init(contact: PulledContact, link: ContactLink, fieldsByProperty: [String: String]) {
        let state: LeadSnapshot?
        switch link {
        case .linked(let lead), .matched(let lead): state = lead
        case .created: state = nil
        }
        var changes: [String: FieldValue] = [:]
        var baseValues: [String: String] = [:]
        for (property, field) in fieldsByProperty {
            let remote = contact.properties[property] ?? ""
            baseValues[property] = remote
            if state?.pendingFields.contains(field) == true { continue }
            if !Self.same(local: state?.fields[field], remote: remote, property: property) {
                changes[field] = remote.isEmpty ? .null : .string(remote)
            }
        }
        baseValues[PulledContact.lastModifiedProperty] = Timestamp.format(epochMilliseconds: contact.lastModified)
        self.contactId = contact.id
        self.lastModified = contact.lastModified
        self.changes = changes
        self.baseValues = baseValues
        switch link {
        case .created(let lead):
            (self.lead, self.linksContact, self.outcome) = (lead, true, .created)
        case .matched(let lead):
            (self.lead, self.linksContact, self.outcome) = (lead.lead, true, .linked)
        case .linked(let lead):
            (self.lead, self.linksContact, self.outcome) = (lead.lead, false, changes.isEmpty ? .unchanged : .updated)
        }
    }

    /// The journal write this merge amounts to.
    package var update: PulledUpdate {
        PulledUpdate(
            lead: lead, remoteID: contactId, atMilliseconds: lastModified, changes: changes, baseValues: baseValues)
    }

    /// Whether the lead's current value already says what HubSpot says: emails compare as identity
    /// (trimmed, case-insensitive), decimal numbers by value (`5000.0` is `5000`), anything else by
    /// the text HubSpot would receive; never set, null and `""` are all empty.
    static func same(local: FieldValue?, remote: String, property: String) -> Bool {
        let localText = local?.wireString ?? ""
        if property == PulledContact.emailProperty {
            return EmailIdentity.normalize(localText) == EmailIdentity.normalize(remote)
        }
        if localText == remote { return true }
        guard let a = canonicalDecimal(localText), let b = canonicalDecimal(remote) else { return false }
        return a == b
    }

    /// Plain decimal text without redundant zeros (`007.50` → `7.5`, `-0` → `0`), or nil when the
    /// text is not a plain decimal number.
    static func canonicalDecimal(_ text: String) -> String? {
        var digits = Substring(text)
        let negative = digits.first == "-"
        if negative { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            parts.count == 1 || !parts[1].isEmpty
        else { return nil }
        let integer = whole.drop { $0 == "0" }
        let fraction = parts.count == 2 ? String(parts[1].reversed().drop { $0 == "0" }.reversed()) : ""
        let magnitude = (integer.isEmpty ? "0" : String(integer)) + (fraction.isEmpty ? "" : "." + fraction)
        return negative && magnitude != "0" ? "-" + magnitude : magnitude
    }
}
