import LeadSyncHTTPServer

/// An API endpoint the simulator serves, recognised from method and path. Versioned paths
/// (`/crm/v3/…`, `/crm/objects/2026-03/…`) map to the same routes.
enum Route: Equatable {
    case listContacts, createContact, getContact(String), updateContact(String), archiveContact(String)
    case batchCreate, batchRead, batchUpdate, batchUpsert, batchArchive, search, merge
    case listProperties, getProperty(String), createProperty
    case token, accessTokenInfo(String), refreshTokenInfo(String), deleteRefreshToken(String)
    case introspect, revoke, authorize
    case accountDetails

    /// The counter name of this endpoint.
    var name: String {
        switch self {
        case .listContacts: "contacts.list"
        case .createContact: "contacts.create"
        case .getContact: "contacts.get"
        case .updateContact: "contacts.update"
        case .archiveContact: "contacts.archive"
        case .batchCreate: "contacts.batch.create"
        case .batchRead: "contacts.batch.read"
        case .batchUpdate: "contacts.batch.update"
        case .batchUpsert: "contacts.batch.upsert"
        case .batchArchive: "contacts.batch.archive"
        case .search: "contacts.search"
        case .merge: "contacts.merge"
        case .listProperties: "properties.list"
        case .getProperty: "properties.get"
        case .createProperty: "properties.create"
        case .token: "oauth.token"
        case .accessTokenInfo: "oauth.access-token"
        case .refreshTokenInfo: "oauth.refresh-token"
        case .deleteRefreshToken: "oauth.refresh-token.delete"
        case .introspect: "oauth.introspect"
        case .revoke: "oauth.revoke"
        case .authorize: "oauth.authorize"
        case .accountDetails: "account.details"
        }
    }

    /// The scope a token needs, or nil when the endpoint takes no bearer token (OAuth calls).
    var requiredScopes: [String]? {
        switch self {
        case .listContacts, .getContact, .batchRead, .search: ["crm.objects.contacts.read"]
        case .createContact, .updateContact, .archiveContact, .batchCreate, .batchUpdate, .batchUpsert, .batchArchive,
            .merge:
            ["crm.objects.contacts.write"]
        case .listProperties, .getProperty:
            ["crm.schemas.contacts.read", "crm.objects.contacts.read", "crm.objects.contacts.write"]
        case .createProperty: ["crm.schemas.contacts.write"]
        case .accountDetails: []
        case .token, .accessTokenInfo, .refreshTokenInfo, .deleteRefreshToken, .introspect, .revoke, .authorize: nil
        }
    }

    /// Whether the request body is JSON (OAuth token calls are form-encoded).
    var takesJSON: Bool {
        switch self {
        case .createContact, .updateContact, .batchCreate, .batchRead, .batchUpdate, .batchUpsert, .batchArchive, .search,
            .merge, .createProperty:
            true
        default: false
        }
    }

    /// Whether the endpoint writes contacts (faults may apply a write before hiding the answer).
    var writes: Bool {
        switch self {
        case .createContact, .updateContact, .archiveContact, .batchCreate, .batchUpdate, .batchUpsert, .batchArchive,
            .merge:
            true
        default: false
        }
    }

    /// Recognises `method path`; nil for anything HubSpot would answer 404.
    static func match(method: String, path: String) -> Route? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            HTTPServerRequest.percentDecode($0)
        }
        func isVersion(_ s: String) -> Bool {
            s.utf8.count == 7 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        }
        var rest: ArraySlice<String>
        switch segments.first {
        case "crm":
            if segments.count >= 4, segments[1] == "v3", segments[3] == "contacts" {
                rest = segments[4...]
            } else if segments.count >= 4, isVersion(segments[2]), segments[3] == "contacts" {
                rest = segments[4...]
            } else {
                return nil
            }
            let kind = segments[1] == "v3" ? segments[2] : segments[1]
            if kind == "objects" { return contacts(method, rest) }
            if kind == "properties" { return properties(method, rest) }
            return nil
        case "oauth":
            return oauth(method, Array(segments.dropFirst()))
        case "account-info":
            if segments.count == 3, segments[1] == "v3" || isVersion(segments[1]), segments[2] == "details", method == "GET" {
                return .accountDetails
            }
            return nil
        default:
            return nil
        }
    }

    private static func contacts(_ method: String, _ rest: ArraySlice<String>) -> Route? {
        switch (method, Array(rest)) {
        case ("GET", []): .listContacts
        case ("POST", []): .createContact
        case ("POST", ["batch", "create"]): .batchCreate
        case ("POST", ["batch", "read"]): .batchRead
        case ("POST", ["batch", "update"]): .batchUpdate
        case ("POST", ["batch", "upsert"]): .batchUpsert
        case ("POST", ["batch", "archive"]): .batchArchive
        case ("POST", ["search"]): .search
        case ("POST", ["merge"]): .merge
        case ("GET", let r) where r.count == 1: .getContact(r[0])
        case ("PATCH", let r) where r.count == 1: .updateContact(r[0])
        case ("DELETE", let r) where r.count == 1: .archiveContact(r[0])
        default: nil
        }
    }

    private static func properties(_ method: String, _ rest: ArraySlice<String>) -> Route? {
        switch (method, Array(rest)) {
        case ("GET", []): .listProperties
        case ("POST", []): .createProperty
        case ("GET", let r) where r.count == 1: .getProperty(r[0])
        default: nil
        }
    }

    private static func oauth(_ method: String, _ s: [String]) -> Route? {
        switch (method, s) {
        case ("GET", ["authorize"]): .authorize
        case ("GET", let r) where r.count == 2 && r[1] == "authorize": .authorize
        case ("POST", ["v1", "token"]): .token
        case ("GET", let r) where r.count == 3 && r[0] == "v1" && r[1] == "access-tokens": .accessTokenInfo(r[2])
        case ("GET", let r) where r.count == 3 && r[0] == "v1" && r[1] == "refresh-tokens": .refreshTokenInfo(r[2])
        case ("DELETE", let r) where r.count == 3 && r[0] == "v1" && r[1] == "refresh-tokens": .deleteRefreshToken(r[2])
        case ("POST", let r) where r.count == 2 && r[0] != "v1" && r[1] == "token": .token
        case ("POST", let r) where r.count == 3 && r[0] != "v1" && r[1] == "token" && r[2] == "introspect": .introspect
        case ("POST", let r) where r.count == 3 && r[0] != "v1" && r[1] == "token" && r[2] == "revoke": .revoke
        default: nil
        }
    }
}
