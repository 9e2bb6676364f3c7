import LeadSyncHTTPServer
import LeadSyncSupport

/// Everything the simulator knows, guarded by one lock in ``HubSpotSimulator``. Each API request
/// runs through ``serve(_:request:body:now:)`` while holding it; JSON is parsed before and
/// serialised after.
struct SimulatorState {
    var configuration: SimulatorConfiguration
    var store: ContactStore
    var properties: [String: SimProperty]
    /// The validation rule of each property, kept in step with `properties` by `define(_:)`.
    var rules: [String: PropertyValidator.Rule]
    var notes: NoteStore
    var auth = AuthRegistry()
    var counters = SimulatorCounters()
    var random: SplitMix64
    var scheduledFaults: [ScheduledFault] = []
    private var windows: [String: RollingWindow] = [:]
    private var searchWindow = RollingWindow(intervalMilliseconds: 1000)
    private var allRequests = RollingWindow(intervalMilliseconds: 10_000)
    private var day: Int64 = .min
    private var dailyUsed = 0

    init(configuration: SimulatorConfiguration, now: Int64) {
        self.configuration = configuration
        random = SplitMix64(seed: configuration.seed)
        var properties: [String: SimProperty] = [:]
        for var property in StandardContactProperties.all() {
            property.createdAtMilliseconds = now
            properties[property.name] = property
        }
        self.properties = properties
        rules = properties.mapValues(PropertyValidator.Rule.init)
        notes = NoteStore(now: now)
        store = ContactStore(uniqueNames: Set(properties.values.filter(\.hasUniqueValue).map(\.name)))
        store.caseInsensitiveEmails = configuration.caseInsensitiveEmails
        store.setSearchLag(configuration.searchIndexLagMilliseconds)
    }

    /// Applies a new configuration, keeping data, tokens and counters.
    mutating func reconfigure(_ newConfiguration: SimulatorConfiguration) {
        if newConfiguration.seed != configuration.seed { random = SplitMix64(seed: newConfiguration.seed) }
        configuration = newConfiguration
        store.caseInsensitiveEmails = newConfiguration.caseInsensitiveEmails
        if store.searchLag != newConfiguration.searchIndexLagMilliseconds {
            store.setSearchLag(newConfiguration.searchIndexLagMilliseconds)
        }
    }

    /// A UUID-shaped correlation id drawn from the seeded generator.
    mutating func correlationId() -> String {
        let a = random.next()
        let b = random.next()
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(36)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append(0x2D) }
            let word = i < 16 ? a : b
            out.append(hex[Int(word >> UInt64((i % 16) * 4) & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A random token or code: `prefix` + 32 hex digits.
    mutating func randomToken(_ prefix: String) -> String {
        prefix + String(random.next(), radix: 16) + String(random.next(), radix: 16)
    }

    // MARK: The request pipeline

    mutating func serve(
        _ route: Route, request: HTTPServerRequest, body: Result<JSONValue, JSONParser.Failure>?, now: Int64
    )
        -> SimResponse
    {
        let correlation = correlationId()
        counters.totalRequests += 1
        allRequests.record(at: now)
        counters.maxRequestsInTenSeconds = max(counters.maxRequestsInTenSeconds, allRequests.count(at: now))

        // Every scheduled fault counts every matching request, so "the Nth" stays true for each;
        // the first one due wins.
        var fault: (Fault, applied: Bool)?
        for i in scheduledFaults.indices where scheduledFaults[i].fires(path: request.path, endpoint: route.name) {
            if fault == nil { fault = (scheduledFaults[i].fault, scheduledFaults[i].applied) }
        }
        scheduledFaults.removeAll { $0.spent }
        if fault == nil { fault = randomFault().map { ($0, configuration.faults.applyBeforeFailing) } }
        // A write served, then its connection closed unanswered: drawn only for writes, and only
        // when the share is set, so other runs keep their seeded sequence.
        let applyThenDrop =
            fault == nil && route.writes && configuration.faults.applyThenDropRate > 0
            && unitDraw() < configuration.faults.applyThenDropRate

        var response: SimResponse
        if case .slow(let ms) = fault?.0 {
            response = authorizedAnswer(route, request: request, body: body, now: now, correlation: correlation)
            response.disposition = .delay(milliseconds: ms)
        } else if let (chosen, applied) = fault, !applied || !route.writes {
            response = faultResponse(chosen, correlation: correlation)
        } else {
            response = authorizedAnswer(route, request: request, body: body, now: now, correlation: correlation)
            if let (chosen, _) = fault { response = faultResponse(chosen, correlation: correlation) }
        }
        if applyThenDrop {
            if (200..<300).contains(response.status) { counters.appliedThenDropped += 1 }
            response = SimResponse(status: 0)
            response.disposition = .hangThenDrop(milliseconds: 0)
        }
        if fault != nil || applyThenDrop { counters.faultsInjected += 1 }
        response.headers.append(("X-HubSpot-Correlation-Id", correlation))
        let recorded: Int
        switch response.disposition {
        case .reset, .hangThenDrop: recorded = 0
        default: recorded = response.status
        }
        counters.requests[route.name, default: [:]][recorded, default: 0] += 1
        if case .success(let json)? = body, let inputs = json["inputs"]?.arrayValue {
            counters.inputs[route.name, default: 0] += inputs.count
        }
        if recorded == 429 { counters.rateLimited += 1 }
        response.compressible = configuration.compressResponses
        switch response.disposition {
        case .respond:
            let jitter = configuration.jitterMilliseconds
            let latency = max(
                0,
                configuration.latencyMilliseconds
                    + (jitter > 0 ? Int(random.next() % UInt64(2 * jitter + 1)) - jitter : 0))
            if latency > 0 { response.disposition = .delay(milliseconds: latency) }
        case .delay(let ms):
            response.disposition = .delay(milliseconds: ms + configuration.latencyMilliseconds)
        case .reset, .hangThenDrop:
            break
        }
        return response
    }

    /// A uniform draw in [0, 1) from the seeded generator.
    private mutating func unitDraw() -> Double { Double(random.next() >> 11) / Double(1 << 53) }

    private mutating func randomFault() -> Fault? {
        let plan = configuration.faults
        guard !plan.isEmpty else { return nil }
        let draw = unitDraw()
        var edge = plan.serverErrorRate
        if draw < edge {
            let statuses = plan.serverErrorStatuses.isEmpty ? [500] : plan.serverErrorStatuses
            return .status(statuses[Int(random.next() % UInt64(statuses.count))])
        }
        edge += plan.rateLimitRate
        if draw < edge { return .rateLimit }
        edge += plan.resetRate
        if draw < edge { return .reset }
        edge += plan.hangRate
        if draw < edge { return .hang(milliseconds: plan.hangMilliseconds) }
        return nil
    }

    private func faultResponse(_ fault: Fault, correlation: String) -> SimResponse {
        switch fault {
        case .rateLimit:
            return tenSecondlyLimited(bucket: "fault", correlation: correlation)
        case .reset:
            var response = SimResponse(status: 0)
            response.disposition = .reset
            return response
        case .hang(let ms):
            var response = SimResponse(status: 0)
            response.disposition = .hangThenDrop(milliseconds: ms)
            return response
        case .slow:
            preconditionFailure("slow answers are served, not replaced")
        case .status(let status):
            if status == 502 || status == 504 || status >= 520 {
                var response = SimResponse(status: status, headers: [("Server", "cloudflare")])
                let page =
                    "<html><head><title>\(status) \(status == 502 ? "Bad Gateway" : "Gateway Time-out")</title></head>"
                    + "<body><center><h1>\(status)</h1></center><hr><center>cloudflare</center></body></html>"
                response.raw = ("text/html", Array(page.utf8))
                return response
            }
            var response = SimResponse.error(
                status, category: status == 423 ? "LOCKED" : nil,
                message: status == 423 ? "Record is locked, retry after 2 seconds." : "internal error",
                correlationId: correlation)
            if status == 477 { response.headers.append(("Retry-After", "60")) }
            return response
        }
    }

    private mutating func authorizedAnswer(
        _ route: Route, request: HTTPServerRequest, body: Result<JSONValue, JSONParser.Failure>?, now: Int64,
        correlation: String
    ) -> SimResponse {
        guard let required = route.requiredScopes else {
            if route == .token, let limit = configuration.tokenEndpointRateLimit {
                let client = request.formItems.first { $0.name == "client_id" }?.value ?? ""
                let bucket = "token:" + client
                var window = windows[bucket] ?? RollingWindow(intervalMilliseconds: Int64(limit.intervalMilliseconds))
                guard window.count(at: now) < limit.max else {
                    return tenSecondlyLimited(bucket: bucket, correlation: correlation)
                }
                window.record(at: now)
                windows[bucket] = window
            }
            return oauth(route, request: request, now: now, correlation: correlation)
        }
        let principal: AuthRegistry.Principal
        switch auth.authenticate(request.header("Authorization"), at: now) {
        case .success(let p): principal = p
        case .failure(.expired(let at, let endedEarly)):
            if endedEarly { counters.refusedEndedEarly += 1 }
            let ago = max(0, (now - at) / 1000)
            return SimResponse.error(
                401, category: "EXPIRED_AUTHENTICATION",
                message: "The OAuth token used to make this call expired \(ago) second(s) ago.",
                correlationId: correlation,
                context: [("expire time", [ISOTimestamp.format(at)])])
        case .failure:
            var response = SimResponse.error(
                401, category: "INVALID_AUTHENTICATION",
                message:
                    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                correlationId: correlation)
            response.headers.append(("X-HubSpot-Auth-Failure", "401 Unauthorized"))
            return response
        }
        if !required.isEmpty, !required.contains(where: principal.scopes.contains) {
            return SimResponse.error(
                403, category: "MISSING_SCOPES",
                message:
                    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
                correlationId: correlation,
                errors: [
                    [
                        "message": "One or more of the following scopes are required.",
                        "context": ["requiredGranularScopes": .strings([required[0]])],
                    ]
                ],
                extra: [("links", ["scopes": "https://developers.hubspot.com/scopes"])])
        }
        if route.isSearch {
            if let perSecond = configuration.searchPerSecond {
                guard searchWindow.count(at: now) < perSecond else {
                    return SimResponse.error(
                        429, category: nil, message: "You have reached your secondly limit.",
                        correlationId: correlation,
                        extra: [("errorType", "RATE_LIMIT"), ("policyName", "SECONDLY")])
                }
                searchWindow.record(at: now)
            }
            return answer(route, request: request, body: body, now: now, correlation: correlation)
        }
        var headers: [(name: String, value: String)] = []
        let isStatic = principal.kind == .staticToken
        if isStatic, let daily = configuration.dailyLimit {
            let today = (now + Int64(configuration.utcOffsetMilliseconds)) / 86_400_000
            if today != day {
                day = today
                dailyUsed = 0
            }
            guard dailyUsed < daily else {
                return SimResponse.error(
                    429, category: nil, message: "You have reached your daily limit.", correlationId: correlation,
                    extra: [("errorType", "RATE_LIMIT"), ("policyName", "DAILY"), ("requestId", .string(correlation))])
            }
        }
        if let limit = isStatic ? configuration.rateLimit : configuration.oauthRateLimit {
            var window =
                windows[principal.bucket] ?? RollingWindow(intervalMilliseconds: Int64(limit.intervalMilliseconds))
            let used = window.count(at: now)
            guard used < limit.max else {
                windows[principal.bucket] = window
                var limited = tenSecondlyLimited(bucket: principal.bucket, correlation: correlation)
                limited.headers.append(contentsOf: rateHeaders(limit: limit, remaining: 0, isStatic: isStatic))
                return limited
            }
            window.record(at: now)
            windows[principal.bucket] = window
            if isStatic { dailyUsed += 1 }
            headers = rateHeaders(limit: limit, remaining: limit.max - used - 1, isStatic: isStatic)
        } else if isStatic {
            dailyUsed += 1
            if let daily = configuration.dailyLimit {
                headers = [
                    ("X-HubSpot-RateLimit-Daily", String(daily)),
                    ("X-HubSpot-RateLimit-Daily-Remaining", String(max(0, daily - dailyUsed))),
                ]
            }
        }
        var response = answer(route, request: request, body: body, now: now, correlation: correlation)
        response.headers.append(contentsOf: headers)
        return response
    }

    private func rateHeaders(limit: SimulatorConfiguration.RateLimit, remaining: Int, isStatic: Bool) -> [(
        name: String, value: String
    )] {
        var headers: [(name: String, value: String)] = [
            ("X-HubSpot-RateLimit-Interval-Milliseconds", String(limit.intervalMilliseconds)),
            ("X-HubSpot-RateLimit-Max", String(limit.max)),
            ("X-HubSpot-RateLimit-Remaining", String(max(0, remaining))),
            ("X-HubSpot-RateLimit-Secondly", String(max(1, limit.max * 1000 / max(1, limit.intervalMilliseconds)))),
            (
                "X-HubSpot-RateLimit-Secondly-Remaining",
                String(max(0, remaining * 1000 / max(1, limit.intervalMilliseconds)))
            ),
        ]
        if isStatic, let daily = configuration.dailyLimit {
            headers.append(("X-HubSpot-RateLimit-Daily", String(daily)))
            headers.append(("X-HubSpot-RateLimit-Daily-Remaining", String(max(0, daily - dailyUsed))))
        }
        return headers
    }

    private func tenSecondlyLimited(bucket: String, correlation: String) -> SimResponse {
        let app =
            bucket.hasPrefix("oauth:")
            ? "oauth-app-api-calls-ten-secondly"
            : bucket.hasPrefix("token:") ? "oauth-token-calls-ten-secondly" : "private_app-api-calls-ten-secondly"
        var response = SimResponse.error(
            429, category: nil, message: "You have reached your ten_secondly_rolling limit.",
            correlationId: correlation,
            extra: [
                ("errorType", "RATE_LIMIT"), ("policyName", "TEN_SECONDLY_ROLLING"),
                ("groupName", .string("publicapi:\(app):\(configuration.portalId)")),
            ])
        if let retryAfter = configuration.retryAfterSeconds {
            response.headers.append(("Retry-After", String(retryAfter)))
        }
        return response
    }

    private mutating func answer(
        _ route: Route, request: HTTPServerRequest, body: Result<JSONValue, JSONParser.Failure>?, now: Int64,
        correlation: String
    ) -> SimResponse {
        var json = JSONValue.null
        if route.takesJSON {
            switch body {
            case .success(let value): json = value
            case .failure(let failure):
                return SimResponse.error(
                    400, category: nil, message: failure.hubSpotMessage, correlationId: correlation)
            case nil:
                return SimResponse.error(
                    400, category: nil,
                    message: "Invalid input JSON on line 1, column 1: No content to map due to end-of-input",
                    correlationId: correlation)
            }
        }
        let context = RequestContext(request: request, body: json, now: now, correlation: correlation)
        switch route {
        case .listContacts: return listContacts(context)
        case .getContact(let id): return getContact(id, context)
        case .createContact: return createContact(context)
        case .updateContact(let id): return updateContact(id, context)
        case .archiveContact(let id): return archiveContact(id, context)
        case .batchCreate: return withWriteInputs(context) { $0.batchCreate($1, context) }
        case .batchRead: return batchRead(context)
        case .batchUpdate: return withWriteInputs(context) { $0.batchUpdate($1, context) }
        case .batchUpsert: return withWriteInputs(context) { $0.batchUpsert($1, context) }
        case .batchArchive: return withWriteInputs(context) { $0.batchArchive($1, context) }
        case .search: return search(context)
        case .merge: return merge(context)
        case .listProperties(let type): return listProperties(type, context)
        case .getProperty(let type, let name): return getProperty(type, name, context)
        case .createProperty(let type): return createProperty(type, context)
        case .createNote: return createNote(context)
        case .getNote(let id): return getNote(id, context)
        case .updateNote(let id): return updateNote(id, context)
        case .archiveNote(let id): return archiveNote(id, context)
        case .noteBatchCreate: return withWriteInputs(context) { $0.noteBatchCreate($1, context) }
        case .noteBatchRead: return noteBatchRead(context)
        case .noteBatchUpdate: return withWriteInputs(context) { $0.noteBatchUpdate($1, context) }
        case .noteBatchUpsert: return withWriteInputs(context) { $0.noteBatchUpsert($1, context) }
        case .noteBatchArchive: return withWriteInputs(context) { $0.noteBatchArchive($1, context) }
        case .noteSearch: return noteSearch(context)
        case .contactNotes(let id): return contactNotes(id, context)
        case .associateNote(let note, let contact): return associateNote(note, contact: contact, context)
        case .batchAssociateNotes: return withWriteInputs(context) { $0.batchAssociateNotes($1, context) }
        case .accountDetails: return accountDetails()
        case .token, .accessTokenInfo, .refreshTokenInfo, .deleteRefreshToken, .introspect, .revoke, .authorize:
            return oauth(route, request: request, now: now, correlation: correlation)
        }
    }

    private func accountDetails() -> SimResponse {
        let hours = configuration.utcOffsetMilliseconds / 3_600_000
        let minutes = abs(configuration.utcOffsetMilliseconds / 60_000 % 60)
        let offset =
            (configuration.utcOffsetMilliseconds < 0 ? "-" : "+") + (abs(hours) < 10 ? "0" : "") + String(abs(hours))
            + ":" + (minutes < 10 ? "0" : "") + String(minutes)
        return SimResponse(
            status: 200,
            json: [
                "portalId": .int(configuration.portalId), "accountType": "STANDARD",
                "timeZone": .string(configuration.timeZone),
                "companyCurrency": "USD", "additionalCurrencies": [], "utcOffset": .string(offset),
                "utcOffsetMilliseconds": .int(configuration.utcOffsetMilliseconds), "uiDomain": "app.hubspot.com",
                "dataHostingLocation": "na1",
            ])
    }
}
