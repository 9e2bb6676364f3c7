/// Which generation of HubSpot's paths the client speaks. The one place that knows the paths.
///
/// `2026-03` (default) uses the date-versioned paths HubSpot introduced in 2026; `v3` the legacy
/// `/crm/v3/…` and `/oauth/v1/…` paths, unsupported from 2027. Chosen by `LEADSYNC_HUBSPOT_API`.
package enum HubSpotAPIVersion: String, Sendable, CaseIterable {
    case v2026_03 = "2026-03"
    case v3 = "v3"

    /// Reads `LEADSYNC_HUBSPOT_API` (`2026-03` or `v3`); nil for any other value.
    package init?(environmentValue value: String?) {
        guard let value, !value.isEmpty else {
            self = .v2026_03
            return
        }
        self.init(rawValue: value)
    }

    /// `/crm/objects/2026-03/contacts` or `/crm/v3/objects/contacts`.
    var contacts: String {
        switch self {
        case .v2026_03: "/crm/objects/2026-03/contacts"
        case .v3: "/crm/v3/objects/contacts"
        }
    }

    /// `/crm/properties/2026-03/contacts` or `/crm/v3/properties/contacts`.
    var contactProperties: String {
        switch self {
        case .v2026_03: "/crm/properties/2026-03/contacts"
        case .v3: "/crm/v3/properties/contacts"
        }
    }

    /// `/crm/objects/2026-03/notes` or `/crm/v3/objects/notes`.
    var notes: String {
        switch self {
        case .v2026_03: "/crm/objects/2026-03/notes"
        case .v3: "/crm/v3/objects/notes"
        }
    }

    /// `/crm/properties/2026-03/notes` or `/crm/v3/properties/notes`.
    var noteProperties: String {
        switch self {
        case .v2026_03: "/crm/properties/2026-03/notes"
        case .v3: "/crm/v3/properties/notes"
        }
    }

    /// The notes associated with a contact: `/crm/objects/2026-03/contacts/{id}/associations/notes`
    /// or the v4 associations path `/crm/v4/objects/contacts/{id}/associations/notes` (v3 has no
    /// paged association list of its own).
    func contactNotes(contactId: String) -> String {
        switch self {
        case .v2026_03: "/crm/objects/2026-03/contacts/\(contactId)/associations/notes"
        case .v3: "/crm/v4/objects/contacts/\(contactId)/associations/notes"
        }
    }

    /// The token endpoint for authorization codes and refresh tokens.
    var token: String {
        switch self {
        case .v2026_03: "/oauth/2026-03/token"
        case .v3: "/oauth/v1/token"
        }
    }

    var accountDetails: String {
        switch self {
        case .v2026_03: "/account-info/2026-03/details"
        case .v3: "/account-info/v3/details"
        }
    }
}
