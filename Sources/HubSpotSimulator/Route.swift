import LeadSyncHTTPServer

/// A CRM object type the simulator stores.
enum ObjectType: Equatable {
    case contacts, notes

    /// HubSpot's object type id, as it appears in some error messages.
    var typeId: String { self == .contacts ? "0-1" : "0-46" }

    /// The type a path segment names: plural, singular or type id (associations paths accept all).
    init?(pathSegment: String) {
        switch pathSegment {
        case "contacts", "contact", "0-1": self = .contacts
        case "notes", "note", "0-46": self = .notes
        default: return nil
        }
    }
}

/// An API endpoint the simulator serves, recognised from method and path. Versioned paths
/// (`/crm/v3/…`, `/crm/v4/…`, `/crm/objects/2026-03/…`) map to the same routes.
enum Route: Equatable {
    case listContacts, createContact
    case getContact(String)
    case updateContact(String)
    case archiveContact(String)
    case batchCreate, batchRead, batchUpdate, batchUpsert, batchArchive, search, merge
    case listProperties(ObjectType)
    case getProperty(ObjectType, String)
    case createProperty(ObjectType)
    case createNote
    case getNote(String)
    case updateNote(String)
    case archiveNote(String)
    case noteBatchCreate, noteBatchRead, noteBatchUpdate, noteBatchUpsert, noteBatchArchive, noteSearch
    /// A contact's notes (v4 / 2026-03 associations), associating one note with one contact
    /// (default type), and the batch of the latter.
    case contactNotes(String)
    case associateNote(note: String, contact: String)
    case batchAssociateNotes
    case token
    case accessTokenInfo(String)
    case refreshTokenInfo(String)
    case deleteRefreshToken(String)
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
        case .listProperties(let type): type == .contacts ? "properties.list" : "notes.properties.list"
        case .getProperty(let type, _): type == .contacts ? "properties.get" : "notes.properties.get"
        case .createProperty(let type): type == .contacts ? "properties.create" : "notes.properties.create"
        case .createNote: "notes.create"
        case .getNote: "notes.get"
        case .updateNote: "notes.update"
        case .archiveNote: "notes.archive"
        case .noteBatchCreate: "notes.batch.create"
        case .noteBatchRead: "notes.batch.read"
        case .noteBatchUpdate: "notes.batch.update"
        case .noteBatchUpsert: "notes.batch.upsert"
        case .noteBatchArchive: "notes.batch.archive"
        case .noteSearch: "notes.search"
        case .contactNotes: "associations.notes.list"
        case .associateNote: "associations.notes.default"
        case .batchAssociateNotes: "associations.notes.batch.default"
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
        case .listContacts, .getContact, .batchRead, .search, .getNote, .noteBatchRead, .noteSearch, .contactNotes:
            ["crm.objects.contacts.read"]
        case .createContact, .updateContact, .archiveContact, .batchCreate, .batchUpdate, .batchUpsert, .batchArchive,
            .merge, .createNote, .updateNote, .archiveNote, .noteBatchCreate, .noteBatchUpdate, .noteBatchUpsert,
            .noteBatchArchive, .associateNote, .batchAssociateNotes:
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
        case .createContact, .updateContact, .batchCreate, .batchRead, .batchUpdate, .batchUpsert, .batchArchive,
            .search,
            .merge, .createProperty, .createNote, .updateNote, .noteBatchCreate, .noteBatchRead, .noteBatchUpdate,
            .noteBatchUpsert, .noteBatchArchive, .noteSearch, .batchAssociateNotes:
            true
        default: false
        }
    }

    /// Whether the endpoint writes contacts, notes or associations (faults may apply a write
    /// before hiding the answer).
    var writes: Bool {
        switch self {
        case .createContact, .updateContact, .archiveContact, .batchCreate, .batchUpdate, .batchUpsert, .batchArchive,
            .merge, .createNote, .updateNote, .archiveNote, .noteBatchCreate, .noteBatchUpdate, .noteBatchUpsert,
            .noteBatchArchive, .associateNote, .batchAssociateNotes:
            true
        default: false
        }
    }

    /// Whether the endpoint is a search (its own per-second limit, no rate-limit headers).
    var isSearch: Bool { self == .search || self == .noteSearch }

    /// Recognises `method path`; nil for anything HubSpot would answer 404.
    static func match(method: String, path: String) -> Route? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map {
            HTTPServerRequest.percentDecode($0)
        }
        func isVersion(_ s: String) -> Bool {
            s.utf8.count == 7 && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        }
        switch segments.first {
        case "crm":
            // `/crm/{v3|v4}/{kind}/{type}/…` or `/crm/{kind}/{YYYY-MM}/{type}/…`.
            guard segments.count >= 4 else { return nil }
            let kind: String
            let generation: String
            if segments[1] == "v3" || segments[1] == "v4" {
                (kind, generation) = (segments[2], segments[1])
            } else if isVersion(segments[2]) {
                (kind, generation) = (segments[1], "dated")
            } else {
                return nil
            }
            let rest = Array(segments[4...])
            // Associations are served by v4 and the dated generation; v4 serves nothing else.
            if generation != "v3", let route = associations(method, kind: kind, from: segments[3], rest) {
                return route
            }
            guard generation != "v4" else { return nil }
            switch (kind, segments[3]) {
            case ("objects", "contacts"): return contacts(method, rest)
            case ("objects", "notes"): return notes(method, rest)
            case ("properties", "contacts"): return properties(method, rest, of: .contacts)
            case ("properties", "notes"): return properties(method, rest, of: .notes)
            default: return nil
            }
        case "oauth":
            return oauth(method, Array(segments.dropFirst()))
        case "account-info":
            if segments.count == 3, segments[1] == "v3" || isVersion(segments[1]), segments[2] == "details",
                method == "GET"
            {
                return .accountDetails
            }
            return nil
        default:
            return nil
        }
    }

    private static func contacts(_ method: String, _ rest: [String]) -> Route? {
        switch (method, rest) {
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

    private static func notes(_ method: String, _ rest: [String]) -> Route? {
        switch (method, rest) {
        case ("POST", []): .createNote
        case ("POST", ["batch", "create"]): .noteBatchCreate
        case ("POST", ["batch", "read"]): .noteBatchRead
        case ("POST", ["batch", "update"]): .noteBatchUpdate
        case ("POST", ["batch", "upsert"]): .noteBatchUpsert
        case ("POST", ["batch", "archive"]): .noteBatchArchive
        case ("POST", ["search"]): .noteSearch
        case ("GET", let r) where r.count == 1: .getNote(r[0])
        case ("PATCH", let r) where r.count == 1: .updateNote(r[0])
        case ("DELETE", let r) where r.count == 1: .archiveNote(r[0])
        default: nil
        }
    }

    /// `GET …/objects/contacts/{id}/associations/notes`,
    /// `PUT …/objects/notes/{id}/associations/default/contacts/{contactId}` and
    /// `POST …/associations/notes/contacts/batch/associate/default`.
    private static func associations(_ method: String, kind: String, from: String, _ rest: [String]) -> Route? {
        let fromType = ObjectType(pathSegment: from)
        switch (method, kind, fromType) {
        case ("GET", "objects", .contacts?)
        where rest.count == 3 && rest[1] == "associations"
            && ObjectType(pathSegment: rest[2]) == .notes:
            return .contactNotes(rest[0])
        case ("PUT", "objects", .notes?)
        where rest.count == 5 && rest[1] == "associations" && rest[2] == "default"
            && ObjectType(pathSegment: rest[3]) == .contacts:
            return .associateNote(note: rest[0], contact: rest[4])
        case ("POST", "associations", .notes?)
        where rest.count == 4 && ObjectType(pathSegment: rest[0]) == .contacts
            && rest[1...] == ["batch", "associate", "default"]:
            return .batchAssociateNotes
        default:
            return nil
        }
    }

    private static func properties(_ method: String, _ rest: [String], of type: ObjectType) -> Route? {
        switch (method, rest) {
        case ("GET", []): .listProperties(type)
        case ("POST", []): .createProperty(type)
        case ("GET", let r) where r.count == 1: .getProperty(type, r[0])
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
