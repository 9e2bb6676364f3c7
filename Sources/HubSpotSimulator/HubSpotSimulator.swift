public import LeadSyncHTTPServer
public import LeadSyncSupport
import Synchronization

/// A faithful local HubSpot: contacts (batch, single, list, search), notes and their
/// associations with contacts, properties, OAuth and account details, with HubSpot's limits, errors and faults, plus a control API under `/_sim/`.
///
/// ```swift
/// let simulator = HubSpotSimulator()
/// simulator.registerToken("pat-na1-test")
/// let port = try simulator.start()          // 127.0.0.1, any free port
/// defer { simulator.stop() }
/// // point a client at simulator.baseURL
/// ```
///
/// Everything is in memory and guarded by one lock; latency and hung requests sleep on the
/// connection's own thread, outside the lock. Inject a clock to drive token expiry, rate windows
/// and the search index lag without sleeping.
public final class HubSpotSimulator: Sendable {
    let state: Mutex<SimulatorState>
    let clock: any WallClock
    private let server = Mutex<(server: HTTPServer, port: Int, host: String)?>(nil)
    private let requestLog = Mutex<(@Sendable (String) -> Void)?>(nil)

    /// The scopes a token or code gets when none are given: everything leadsync uses.
    public static let allScopes = [
        "crm.objects.contacts.read", "crm.objects.contacts.write", "crm.schemas.contacts.read",
        "crm.schemas.contacts.write", "oauth",
    ]

    public init(
        configuration: SimulatorConfiguration = SimulatorConfiguration(), clock: any WallClock = SystemWallClock()
    ) {
        self.clock = clock
        self.state = Mutex(SimulatorState(configuration: configuration, now: Timestamp.epochMilliseconds(clock.now)))
    }

    var now: Int64 { Timestamp.epochMilliseconds(clock.now) }

    // MARK: Serving

    /// Listens on `host` (loopback by default) and `port` (0 = any free port); returns the port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) throws -> Int {
        try server.withLock { running in
            guard running == nil else { throw HTTPServerError.alreadyStarted }
            let http = HTTPServer { [self] request in handle(request) }
            let bound = try http.start(host: host, port: port)
            running = (http, bound, host)
            return bound
        }
    }

    /// The URL clients use, e.g. `http://127.0.0.1:52311`; empty before ``start(host:port:)``.
    public var baseURL: String {
        server.withLock { running in
            guard let running else { return "" }
            let host = running.host.contains(":") ? "[\(running.host)]" : running.host
            return "http://\(host):\(running.port)"
        }
    }

    /// Stops listening and closes live connections. Data stays; `start` may be called again.
    public func stop() {
        let running = server.withLock { value in
            defer { value = nil }
            return value
        }
        running?.server.stop()
    }

    /// Answers one request as the HTTP server would; usable without sockets (benchmarks).
    package func handle(_ request: HTTPServerRequest) -> HTTPServerResponse {
        if request.path.hasPrefix("/_sim/") { return control(request).httpResponse() }
        guard let route = Route.match(method: request.method, path: request.path) else {
            let correlation = state.withLock { $0.correlationId() }
            var notFound = SimResponse.error(
                404, category: nil, message: "No route for \(request.method) \(request.path)",
                correlationId: correlation)
            notFound.headers.append(("X-HubSpot-Correlation-Id", correlation))
            return notFound.httpResponse()
        }
        var body: Result<JSONValue, JSONParser.Failure>?
        if route.takesJSON, !request.body.isEmpty {
            do throws(JSONParser.Failure) { body = .success(try JSONParser.parse(request.body)) } catch {
                body = .failure(error)
            }
        }
        let time = now
        let (response, app) = state.withLock { state in
            (
                state.serve(route, request: request, body: body, now: time),
                state.auth.namedApp(of: request.header("Authorization"))
            )
        }
        // Written under the log's lock: connection threads answer at once, and lines must not interleave.
        requestLog.withLock { log in log?(Self.logLine(route: route, arrival: time, response: response, app: app)) }
        return response.httpResponse()
    }

    /// Writes one line per API request to `write` from now on (control requests are not logged):
    /// `ARRIVAL_MS ANSWER_MS ENDPOINT STATUS REMAINING CORRELATION_ID APP`, the arrival being when
    /// the rate limits counted it and the answer when its latency ends (`-` for a reset or a hang);
    /// `REMAINING` is `X-HubSpot-RateLimit-Remaining` (`-` when absent); `APP` is the private app
    /// the request's static token was registered under by name (`--token APP=TOKEN`), else `-`.
    /// No credential is written: a client's own log of correlation ids tells whose request each
    /// line was, and `APP` which account's (one app per tenant in a multi-tenant test).
    public func logRequests(to write: @escaping @Sendable (String) -> Void) {
        requestLog.withLock { $0 = write }
    }

    private static func logLine(route: Route, arrival: Int64, response: SimResponse, app: String?) -> String {
        let answer: String
        switch response.disposition {
        case .respond: answer = String(arrival)
        case .delay(let milliseconds): answer = String(arrival + Int64(milliseconds))
        case .reset, .hangThenDrop: answer = "-"
        }
        func header(_ name: String) -> String { response.headers.first { $0.name == name }?.value ?? "-" }
        return "\(arrival) \(answer) \(route.name) \(response.status) \(header("X-HubSpot-RateLimit-Remaining")) "
            + "\(header("X-HubSpot-Correlation-Id")) \(app ?? "-")"
    }

    // MARK: In-process control (the same powers as `/_sim/`)

    /// Registers a private-app (static) token that never expires; nil scopes = every scope.
    /// `app`: the private app it belongs to, whose rolling limit its requests count against with
    /// every other token of that app (HubSpot's burst limit is per app); nil = an app of its own.
    public func registerToken(_ token: String, scopes: [String]? = nil, app: String? = nil) {
        state.withLock {
            $0.auth.staticTokens[token] = .init(scopes: scopes ?? AuthRegistry.allScopes, app: app ?? "token:" + token)
        }
    }

    /// Forgets a static token, access token or refresh token (later calls get 401 / invalid_grant).
    public func revokeToken(_ token: String) {
        state.withLock {
            $0.auth.staticTokens[token] = nil
            $0.auth.accessTokens[token] = nil
            $0.auth.refreshTokens[token]?.revoked = true
        }
    }

    /// Registers an OAuth app whose id and secret the token endpoints accept.
    public func registerOAuthClient(id: String, secret: String) {
        state.withLock { $0.auth.clients[id] = secret }
    }

    /// Issues an authorization code without the consent redirect. `codeChallenge` (S256) makes the
    /// token endpoint require the matching `code_verifier`.
    public func issueAuthorizationCode(
        clientId: String, redirectURI: String, scopes: [String] = HubSpotSimulator.allScopes,
        codeChallenge: String? = nil
    ) -> String {
        let time = now
        return state.withLock {
            $0.issueCode(
                clientId: clientId, redirectURI: redirectURI, scopes: scopes, codeChallenge: codeChallenge, now: time)
        }
    }

    /// Revokes a refresh token (as uninstalling the app would); access tokens stay valid until expiry.
    public func revokeRefreshToken(_ token: String) {
        state.withLock { $0.auth.refreshTokens[token]?.revoked = true }
    }

    /// Uninstalls an OAuth app from the account: its access tokens answer 401 and refreshing
    /// answers 400 `BAD_HUB` until a new authorization code is issued (a reinstall).
    public func uninstallApp(clientId: String) {
        state.withLock { _ = $0.auth.uninstalled.insert(clientId) }
    }

    /// Makes every issued OAuth access token expire now. The requests then refused with those
    /// still in their lifetime are counted apart (``SimulatorCounters/refusedEndedEarly``).
    public func expireAccessTokens() {
        let time = now
        state.withLock { s in
            for (key, token) in s.auth.accessTokens where token.expiresAtMilliseconds > time {
                s.auth.accessTokens[key]!.expiresAtMilliseconds = time
                s.auth.accessTokens[key]!.endedEarly = true
            }
        }
    }

    /// Creates contacts directly (no validation, limits or counters); returns their ids in order.
    @discardableResult
    public func seedContacts(_ contacts: [[String: String]]) -> [String] {
        let time = now
        return state.withLock { s in
            contacts.map { values in
                var normalised = values
                if let email = values["email"], s.configuration.caseInsensitiveEmails {
                    normalised["email"] = email.emailKey
                }
                return String(s.store.create(normalised, at: time, source: .crmUI))
            }
        }
    }

    /// Adds or replaces a property definition.
    public func defineProperty(_ property: SimProperty) {
        state.withLock { $0.define(property) }
    }

    /// Every contact (archived included), in id order.
    public func contacts() -> [SimContact] {
        state.withLock { s in s.store.order.compactMap { s.store[$0] } }
    }

    /// The live contact with this id (following merges) or primary/secondary email.
    public func contact(id: String) -> SimContact? {
        state.withLock { s in s.store.resolve(id).flatMap { s.store[$0] } }
    }

    public func contact(email: String) -> SimContact? {
        state.withLock { s in s.store.find("email", email).flatMap { s.store[$0] } }
    }

    /// A "HubSpot-side" edit (a user in the CRM): writes values unvalidated and bumps
    /// `lastmodifieddate`. Returns false when the contact does not exist.
    @discardableResult
    public func editContact(id: String, properties: [String: String]) -> Bool {
        let time = now
        return state.withLock { s in
            guard let found = s.store.resolve(id) else { return false }
            s.store.update(found, properties, at: time, source: .crmUI, bumpOnNoOp: true)
            return true
        }
    }

    /// Merges two contacts as HubSpot does: a new id replaces both; returns it.
    @discardableResult
    public func mergeContacts(primary: String, secondary: String) -> String? {
        let time = now
        return state.withLock { s in
            guard let first = s.store.resolve(primary), let second = s.store.resolve(secondary) else { return nil }
            return s.mergeContacts(first, second, at: time).map(String.init)
        }
    }

    /// Every note (archived included), in id order.
    public func notes() -> [SimNote] {
        state.withLock { s in s.notes.order.compactMap { s.notes[$0] } }
    }

    /// The live notes associated with a contact (its id after merges is followed), in
    /// association order; empty for an unknown contact.
    public func notes(contactId: String) -> [SimNote] {
        state.withLock { s in
            guard let contact = s.store.resolve(contactId, includeArchived: true) else { return [] }
            return s.notes.notes(ofContact: contact).compactMap { s.notes[$0] }
        }
    }

    /// The note with this id, archived or not.
    public func note(id: String) -> SimNote? {
        state.withLock { s in s.notes.resolve(id, includeArchived: true).flatMap { s.notes[$0] } }
    }

    /// A "HubSpot-side" delete (a user in the CRM): the note is archived, so reads and updates
    /// of it answer not-found. Returns false when no live note has this id.
    @discardableResult
    public func deleteNote(id: String) -> Bool {
        let time = now
        return state.withLock { s in
            guard let found = s.notes.resolve(id) else { return false }
            s.notes.archive(found, at: time)
            return true
        }
    }

    /// Adds or replaces a note property definition (unique ones too, whatever
    /// ``SimulatorConfiguration/allowUniqueNoteProperties`` says: the switch governs the API).
    public func defineNoteProperty(_ property: SimProperty) {
        state.withLock { $0.notes.define(property) }
    }

    /// The configuration in effect.
    public var configuration: SimulatorConfiguration { state.withLock { $0.configuration } }

    /// Changes limits, latency, faults or choices at run time.
    public func updateConfiguration(_ change: (inout SimulatorConfiguration) -> Void) {
        state.withLock { s in
            var configuration = s.configuration
            change(&configuration)
            s.reconfigure(configuration)
        }
    }

    /// Fails the `n`th API request (1-based, counted from now, among those matching `path`: a
    /// path prefix such as `/crm/v3/objects/contacts/batch/upsert` or an endpoint name such as
    /// `contacts.batch.upsert`), once or — when `persistent` — that one and every later one.
    /// `applied` lets a write take effect before the fault hides the answer.
    public func injectFault(
        _ fault: Fault, onRequest n: Int = 1, persistent: Bool = false, path: String? = nil, applied: Bool = false
    ) {
        state.withLock {
            $0.scheduledFaults.append(
                ScheduledFault(fault: fault, onRequest: max(1, n), persistent: persistent, path: path, applied: applied)
            )
        }
    }

    /// Drops every scheduled fault (random fault rates stay as configured).
    public func clearFaults() {
        state.withLock { $0.scheduledFaults = [] }
    }

    public func counters() -> SimulatorCounters { state.withLock { $0.counters } }

    /// Back to a fresh start: no contacts or notes, standard properties, no tokens, counters zeroed.
    /// The configuration stays.
    public func reset() {
        let time = now
        state.withLock { s in s = SimulatorState(configuration: s.configuration, now: time) }
    }

    /// Contacts as JSON (`{"nextId":…,"contacts":[…]}`), for `--state` files and `GET /_sim/contacts`.
    public func contactsJSON() -> [UInt8] {
        state.withLock { s in s.dump() }.bytes
    }

    /// Replaces all contacts with those of a ``contactsJSON()`` document.
    public func loadContacts(json: [UInt8]) throws {
        let document = try JSONParser.parse(json)
        let contacts = try SimulatorState.contacts(from: document)
        let nextId = document["nextId"]?.intValue.map(Int64.init) ?? 0
        state.withLock { $0.store.load(contacts, nextId: nextId) }
    }
}
