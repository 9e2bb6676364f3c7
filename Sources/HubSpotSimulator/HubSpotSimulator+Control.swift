import LeadSyncHTTPServer

/// The control API under `/_sim/` (JSON, no auth, never faulted or rate limited):
///
/// | call | effect |
/// |---|---|
/// | `POST /_sim/reset` | drop contacts, notes, tokens, counters; keep configuration |
/// | `GET /_sim/contacts` / `POST /_sim/contacts {"contacts":[{…}]}` | dump / seed (answers `{"ids":[…]}`) |
/// | `POST /_sim/contacts/{id}/edit {"properties":{…}}` | HubSpot-side edit |
/// | `POST /_sim/merge {"primary","secondary"}` | merge (answers `{"id"}`) |
/// | `GET /_sim/notes` / `GET /_sim/contacts/{id}/notes` | every note / a contact's live notes: `{"notes":[{"id","properties","contactIds","createdAt","updatedAt","archived"}]}` |
/// | `DELETE /_sim/notes/{id}` | HubSpot-side delete of a note (204; 404 when no live note has the id) |
/// | `POST /_sim/properties {PropertyCreate}` | define a property |
/// | `POST /_sim/tokens {"token","scopes"?,"app"?}` / `DELETE /_sim/tokens/{token}` | register / revoke a static token (`app`: the private app whose limit it shares) |
/// | `POST /_sim/oauth-clients {"id","secret"}` | register an OAuth app |
/// | `POST /_sim/codes {"clientId","redirectUri","scopes"?,"codeChallenge"?}` | issue a code (`{"code"}`) |
/// | `POST /_sim/revoke {"refreshToken"}` | revoke a refresh token |
/// | `POST /_sim/expire-access-tokens` | expire every access token |
/// | `POST /_sim/uninstall {"clientId"}` | uninstall an OAuth app (refresh → `BAD_HUB`) |
/// | `GET /_sim/config` / `POST /_sim/config {…}` | read / change configuration (partial) |
/// | `POST /_sim/faults {"fault","status"?,"milliseconds"?,"onRequest"?,"persistent"?,"path"?,"applied"?}` / `DELETE /_sim/faults` | schedule / clear faults (`fault`: `5xx`/`status`, `429`, `reset`, `hang`, `slow`) |
/// | `GET /_sim/counters` | counters |
extension HubSpotSimulator {
    func control(_ request: HTTPServerRequest) -> SimResponse {
        let segments = request.path.split(separator: "/").dropFirst().map { HTTPServerRequest.percentDecode($0) }
        var body = JSONValue.object([])
        if !request.body.isEmpty {
            do { body = try JSONParser.parse(request.body) } catch {
                return SimResponse(status: 400, json: ["message": .string(error.hubSpotMessage)])
            }
        }
        func bad(_ message: String) -> SimResponse { SimResponse(status: 400, json: ["message": .string(message)]) }
        let ok = SimResponse(status: 200, json: [:])
        switch (request.method, segments) {
        case ("POST", ["reset"]):
            reset()
            return ok
        case ("GET", ["contacts"]):
            return SimResponse(status: 200, json: state.withLock { $0.dump() })
        case ("POST", ["contacts"]):
            guard let list = body["contacts"]?.arrayValue else {
                return bad("expected {\"contacts\":[{property: value}]}")
            }
            let ids = seedContacts(
                list.map { item in
                    Dictionary(
                        (item.objectValue ?? []).compactMap { name, value in value.propertyString.map { (name, $0) } },
                        uniquingKeysWith: { _, last in last })
                })
            return SimResponse(status: 201, json: ["ids": .strings(ids)])
        case ("POST", let path) where path.count == 3 && path[0] == "contacts" && path[2] == "edit":
            let values = Dictionary(
                (body["properties"]?.objectValue ?? []).compactMap { name, value in
                    value.propertyString.map { (name, $0) }
                }, uniquingKeysWith: { _, last in last })
            return editContact(id: path[1], properties: values)
                ? ok : SimResponse(status: 404, json: ["message": "no such contact"])
        case ("GET", ["notes"]):
            return SimResponse(status: 200, json: ["notes": .array(notes().map(Self.json))])
        case ("GET", let path) where path.count == 3 && path[0] == "contacts" && path[2] == "notes":
            return SimResponse(status: 200, json: ["notes": .array(notes(contactId: path[1]).map(Self.json))])
        case ("DELETE", let path) where path.count == 2 && path[0] == "notes":
            return deleteNote(id: path[1])
                ? SimResponse(status: 204) : SimResponse(status: 404, json: ["message": "no such note"])
        case ("POST", ["merge"]):
            guard let primary = body["primary"]?.propertyString, let secondary = body["secondary"]?.propertyString,
                let id = mergeContacts(primary: primary, secondary: secondary)
            else { return bad("expected {\"primary\":id,\"secondary\":id} of two live contacts") }
            return SimResponse(status: 200, json: ["id": .string(id)])
        case ("POST", ["properties"]):
            switch SimulatorState.property(from: body, now: now) {
            case .success(let property):
                defineProperty(property)
                return SimResponse(status: 201, json: property.json)
            case .failure(let invalid): return bad(invalid.message)
            }
        case ("POST", ["tokens"]):
            guard let token = body["token"]?.stringValue, !token.isEmpty else { return bad("expected {\"token\":…}") }
            registerToken(
                token, scopes: body["scopes"]?.arrayValue?.compactMap(\.stringValue), app: body["app"]?.stringValue)
            return SimResponse(status: 201, json: [:])
        case ("DELETE", let path) where path.count == 2 && path[0] == "tokens":
            revokeToken(path[1])
            return SimResponse(status: 204)
        case ("POST", ["oauth-clients"]):
            guard let id = body["id"]?.stringValue, let secret = body["secret"]?.stringValue else {
                return bad("expected {\"id\":…,\"secret\":…}")
            }
            registerOAuthClient(id: id, secret: secret)
            return SimResponse(status: 201, json: [:])
        case ("POST", ["codes"]):
            guard let client = body["clientId"]?.stringValue, let redirect = body["redirectUri"]?.stringValue else {
                return bad("expected {\"clientId\":…,\"redirectUri\":…}")
            }
            let code = issueAuthorizationCode(
                clientId: client, redirectURI: redirect,
                scopes: body["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? AuthRegistry.allScopes,
                codeChallenge: body["codeChallenge"]?.stringValue)
            return SimResponse(status: 201, json: ["code": .string(code)])
        case ("POST", ["revoke"]):
            guard let token = body["refreshToken"]?.stringValue else { return bad("expected {\"refreshToken\":…}") }
            revokeRefreshToken(token)
            return ok
        case ("POST", ["uninstall"]):
            guard let client = body["clientId"]?.stringValue else { return bad("expected {\"clientId\":…}") }
            uninstallApp(clientId: client)
            return ok
        case ("POST", ["expire-access-tokens"]):
            expireAccessTokens()
            return ok
        case ("GET", ["config"]):
            return SimResponse(status: 200, json: ConfigurationJSON.encode(configuration))
        case ("POST", ["config"]):
            var failure: String?
            updateConfiguration { configuration in failure = ConfigurationJSON.apply(body, to: &configuration) }
            if let failure { return bad(failure) }
            return SimResponse(status: 200, json: ConfigurationJSON.encode(configuration))
        case ("POST", ["faults"]):
            let fault: Fault
            switch body["fault"]?.stringValue {
            case "5xx", "status": fault = .status(body["status"]?.intValue ?? 503)
            case "429": fault = .rateLimit
            case "reset": fault = .reset
            case "hang":
                fault = .hang(milliseconds: body["milliseconds"]?.intValue ?? configuration.faults.hangMilliseconds)
            case "slow": fault = .slow(milliseconds: body["milliseconds"]?.intValue ?? 1000)
            default: return bad("fault must be one of 5xx, status, 429, reset, hang, slow")
            }
            injectFault(
                fault, onRequest: body["onRequest"]?.intValue ?? 1, persistent: body["persistent"]?.boolValue ?? false,
                path: body["path"]?.stringValue, applied: body["applied"]?.boolValue ?? false)
            return SimResponse(status: 201, json: [:])
        case ("DELETE", ["faults"]):
            clearFaults()
            return SimResponse(status: 204)
        case ("GET", ["counters"]):
            return SimResponse(status: 200, json: counters().json)
        default:
            return SimResponse(
                status: 404, json: ["message": .string("no control call \(request.method) \(request.path)")])
        }
    }

    private static func json(_ note: SimNote) -> JSONValue {
        .object([
            ("id", .string(note.id)),
            ("properties", .object(note.properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("contactIds", .strings(note.contactIds)),
            ("createdAt", .string(ISOTimestamp.format(note.createdAtMilliseconds))),
            ("updatedAt", .string(ISOTimestamp.format(note.updatedAtMilliseconds))),
            ("archived", .bool(note.archived)),
        ])
    }
}
