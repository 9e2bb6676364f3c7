import Foundation
package import LeadSyncHTTP
import LeadSyncSupport
package import Logging

/// The typed HubSpot client for contacts, properties and account details.
///
/// Every call takes its token from the ``HubSpotAuthorizer``; on a 401 it asks the authorizer
/// once and, when that returns, sends the request again. Successful calls return the value with
/// the response's rate-limit headers; failures throw ``HubSpotError`` (HubSpot answered) or
/// ``TransportError`` (no answer). Any 2xx counts as success.
///
/// ```swift
/// let client = HubSpotClient(baseURL: simulator.baseURL, transport: CurlTransport(),
///                            authorizer: StaticTokenAuthorizer(token: Secret("pat-na1-…")))
/// let answer = try await client.batchUpsert([UpsertInput(id: "ada@example.com", objectWriteTraceId: "t1",
///                                                        properties: ["firstname": "Ada"])])
/// ```
package struct HubSpotClient: Sendable {
    let http: HubSpotHTTP
    private let authorizer: any HubSpotAuthorizer
    /// Lets each request go when the account's budget allows.
    package let admission: any RequestAdmission

    package init(
        baseURL: String, version: HubSpotAPIVersion = .v2026_03, transport: any HTTPTransport,
        authorizer: any HubSpotAuthorizer, admission: any RequestAdmission = UnlimitedAdmission(),
        logger: Logger = Logger(label: "leadsync.hubspot")
    ) {
        http = HubSpotHTTP(baseURL: baseURL, version: version, transport: transport, logger: logger)
        self.authorizer = authorizer
        self.admission = admission
    }

    // MARK: Batches

    /// Creates or updates contacts keyed by `idProperty` (email by default). At most 100 inputs.
    ///
    /// HubSpot echoes each written contact's properties; the answer's contacts keep only those
    /// named in `keepingProperties` when it is given (a caller matching answers to inputs needs
    /// one at most), all of them when nil.
    package func batchUpsert(_ inputs: [UpsertInput], keepingProperties: [String]? = nil) async throws
        -> HubSpotResponse<BatchResult>
    {
        try await batch(
            http.version.contacts + "/batch/upsert", Self.writeBody(inputs), operation: "contacts.batch.upsert",
            keepingProperties: keepingProperties)
    }

    /// Updates contacts by record id. At most 100 inputs. The answer's contacts keep the
    /// properties named in `keepingProperties`, all when nil, as ``batchUpsert(_:keepingProperties:)``'s.
    package func batchUpdate(_ inputs: [UpdateInput], keepingProperties: [String]? = nil) async throws
        -> HubSpotResponse<BatchResult>
    {
        try await batch(
            http.version.contacts + "/batch/update", Self.writeBody(inputs), operation: "contacts.batch.update",
            keepingProperties: keepingProperties)
    }

    /// `{"inputs":[…]}`: the body of every batch write, contacts and notes alike.
    static func writeBody(_ inputs: [some BatchWriteInput]) -> Data {
        let propertyBytes = inputs.reduce(0) { sum, input in
            input.properties.reduce(sum) { $0 + $1.name.utf8.count + $1.value.utf8.count + 8 }
        }
        var json = JSONWriter(capacity: 16 + inputs.count * 160 + propertyBytes)
        json.raw("{\"inputs\":")
        json.array(inputs) { json, input in
            json.raw("{")
            input.writeKey(&json)
            json.key("objectWriteTraceId")
            json.string(input.objectWriteTraceId)
            json.raw(",")
            json.key("properties")
            json.properties(input.properties)
            input.writeTrailer(&json)
            json.raw("}")
        }
        json.raw("}")
        return json.data
    }

    /// Reads contacts by record id, or by `idProperty` (e.g. `email`). Ids not found come back as
    /// ``BatchResult/errors`` (`OBJECT_NOT_FOUND`, naming them in ``HubSpotError/ids``).
    package func batchRead(ids: [String], idProperty: String? = nil, properties: [String]) async throws
        -> HubSpotResponse<BatchResult>
    {
        let body = Self.readBody(ids: ids, idProperty: idProperty, properties: properties)
        return try await batch(http.version.contacts + "/batch/read", body, operation: "contacts.batch.read")
    }

    /// `{"properties":[…],"idProperty"?:…,"inputs":[{"id"}]}`: contacts and notes alike.
    static func readBody(ids: [String], idProperty: String?, properties: [String]) -> Data {
        var json = JSONWriter(capacity: ids.count * 40)
        json.raw("{\"properties\":")
        json.stringArray(properties)
        if let idProperty {
            json.raw(",\"idProperty\":")
            json.string(idProperty)
        }
        json.raw(",\"inputs\":")
        json.array(ids) { json, id in
            json.raw("{\"id\":")
            json.string(id)
            json.raw("}")
        }
        json.raw("}")
        return json.data
    }

    /// Sends a batch body to `path` and reads `results[]` (with the properties named in
    /// `keepingProperties`, all when nil) and, for a 207, `errors[]`. `freshConnection` for
    /// creates: the transport must never send them twice by itself.
    func batch(
        _ path: String, _ body: Data, operation: String, freshConnection: Bool = false,
        keepingProperties: [String]? = nil
    ) async throws -> HubSpotResponse<BatchResult> {
        var request = http.request(.post, path, json: body)
        request.freshConnection = freshConnection
        let response = try await authorized(request, operation: operation)
        let wire = try http.read(response, operation: operation) {
            try WireBatchResponse(reading: &$0, keeping: keepingProperties)
        }
        let correlationId = response.headers["X-HubSpot-Correlation-Id"]
        let errors = wire.errors.map {
            HubSpotError(batchEntry: $0, status: response.status, correlationId: correlationId)
        }
        return http.wrap(BatchResult(results: wire.results, errors: errors), response)
    }

    // MARK: Single contacts, list, search

    /// Creates one contact. An email another contact has → 409 with ``HubSpotError/existingId``.
    package func createContact(properties: PropertyValues) async throws -> HubSpotResponse<Contact> {
        var json = JSONWriter()
        json.raw("{\"properties\":")
        json.properties(properties)
        json.raw(",\"associations\":[]}")
        let response = try await authorized(
            http.request(.post, http.version.contacts, json: json.data), operation: "contacts.create")
        return http.wrap(try http.read(response, operation: "contacts.create") { try Contact(reading: &$0) }, response)
    }

    /// Reads one contact by record id, or by `idProperty` (e.g. `email`).
    package func contact(id: String, idProperty: String? = nil, properties: [String]) async throws -> HubSpotResponse<
        Contact
    > {
        var query = [("properties", properties.joined(separator: ","))]
        if let idProperty { query.append(("idProperty", idProperty)) }
        let path = http.version.contacts + "/" + HubSpotHTTP.percentEncode(id)
        let response = try await authorized(http.request(.get, path, query: query), operation: "contacts.get")
        return http.wrap(try http.read(response, operation: "contacts.get") { try Contact(reading: &$0) }, response)
    }

    /// One page of all contacts in id order; pass the previous page's `nextAfter` for the next.
    package func listContacts(after: String? = nil, limit: Int = 100, properties: [String]) async throws
        -> HubSpotResponse<ContactPage>
    {
        var query = [("limit", String(limit)), ("properties", properties.joined(separator: ","))]
        if let after { query.append(("after", after)) }
        let response = try await authorized(
            http.request(.get, http.version.contacts, query: query), operation: "contacts.list")
        return http.wrap(try http.read(response, operation: "contacts.list", ContactPage.init(reading:)), response)
    }

    /// One page of a search. Search has its own limit (5/s) and no rate-limit headers.
    package func searchContacts(_ search: ContactSearch) async throws -> HubSpotResponse<ContactPage> {
        var json = JSONWriter()
        json.raw("{\"filterGroups\":")
        json.array(search.filterGroups) { json, filters in
            json.raw("{\"filters\":")
            json.array(filters) { json, filter in
                json.raw("{\"propertyName\":")
                json.string(filter.propertyName)
                json.raw(",\"operator\":")
                json.string(filter.operator)
                if let value = filter.value {
                    json.raw(",\"value\":")
                    json.string(value)
                }
                if let high = filter.highValue {
                    json.raw(",\"highValue\":")
                    json.string(high)
                }
                if let values = filter.values {
                    json.raw(",\"values\":")
                    json.stringArray(values)
                }
                json.raw("}")
            }
            json.raw("}")
        }
        json.raw(",\"sorts\":")
        json.array(search.sorts) { json, sort in
            json.raw("{\"propertyName\":")
            json.string(sort.propertyName)
            json.raw(",\"direction\":")
            json.string(sort.ascending ? "ASCENDING" : "DESCENDING")
            json.raw("}")
        }
        json.raw(",\"properties\":")
        json.stringArray(search.properties)
        json.raw(",\"limit\":")
        json.integer(search.limit)
        if let after = search.after {
            json.raw(",\"after\":")
            json.string(after)
        }
        json.raw("}")
        let request = http.request(.post, http.version.contacts + "/search", json: json.data)
        let response = try await authorized(request, operation: "contacts.search")
        return http.wrap(try http.read(response, operation: "contacts.search", ContactPage.init(reading:)), response)
    }

    // MARK: Properties and account

    /// Every contact property definition.
    package func contactProperties() async throws -> HubSpotResponse<[PropertyDefinition]> {
        struct Wire: Decodable { var results: [PropertyDefinition] }
        let response = try await authorized(
            http.request(.get, http.version.contactProperties), operation: "properties.list")
        return http.wrap(try http.decode(Wire.self, from: response, operation: "properties.list").results, response)
    }

    /// Creates a custom contact property (`groupName` defaults to `contactinformation`).
    package func createContactProperty(
        name: String, label: String, type: String, fieldType: String, groupName: String = "contactinformation",
        options: [PropertyDefinition.Option] = [], hasUniqueValue: Bool = false
    ) async throws -> HubSpotResponse<PropertyDefinition> {
        try await createProperty(
            at: http.version.contactProperties, name: name, label: label, type: type, fieldType: fieldType,
            groupName: groupName, options: options, hasUniqueValue: hasUniqueValue)
    }

    /// Creates a property of the object type whose properties live at `path`.
    func createProperty(
        at path: String, name: String, label: String, type: String, fieldType: String, groupName: String,
        options: [PropertyDefinition.Option], hasUniqueValue: Bool
    ) async throws -> HubSpotResponse<PropertyDefinition> {
        var json = JSONWriter()
        json.raw("{\"name\":")
        json.string(name)
        json.raw(",\"label\":")
        json.string(label)
        json.raw(",\"type\":")
        json.string(type)
        json.raw(",\"fieldType\":")
        json.string(fieldType)
        json.raw(",\"groupName\":")
        json.string(groupName)
        json.raw(",\"hasUniqueValue\":")
        json.raw(hasUniqueValue ? "true" : "false")
        json.raw(",\"options\":")
        json.array(Array(options.enumerated())) { json, item in
            json.raw("{\"label\":")
            json.string(item.element.label)
            json.raw(",\"value\":")
            json.string(item.element.value)
            json.raw(",\"displayOrder\":")
            json.integer(item.offset)
            json.raw("}")
        }
        json.raw("}")
        let request = http.request(.post, path, json: json.data)
        let response = try await authorized(request, operation: "properties.create")
        return http.wrap(
            try http.decode(PropertyDefinition.self, from: response, operation: "properties.create"), response)
    }

    /// The account the token belongs to: portal id and time zone.
    package func accountDetails() async throws -> HubSpotResponse<AccountDetails> {
        let response = try await authorized(
            http.request(.get, http.version.accountDetails), operation: "account.details")
        return http.wrap(try http.decode(AccountDetails.self, from: response, operation: "account.details"), response)
    }

    /// Sends with the authorizer's token, each try admitted by ``admission``; on a 401 lets the
    /// authorizer refresh (or give up) and sends once more. A second 401 goes to the authorizer as
    /// a retry, which ends in reconnecting.
    func authorized(_ request: HTTPRequest, operation: String) async throws -> HTTPResponse {
        for isRetry in [false, true] {
            var handout: TokenHandout?
            do {
                let response = try await admitted(operation: operation) {
                    // Taken once the request may go: a wait for the budget (a 429's Retry-After, the
                    // rolling window) must not age a token near its expiry into a 401 and a second try.
                    let taken = try await authorizer.accessToken()
                    handout = taken
                    var attempt = request
                    attempt.headers.replaceOrAdd(name: "Authorization", value: "Bearer " + taken.token.revealed)
                    return attempt
                }
                if let handout { await authorizer.requestEnded(handout, answered: true) }
                return response
            } catch var error as HubSpotError {
                // Thrown before a token was taken: the authorizer's own failure, not an answer.
                guard let handout else { throw error }
                await authorizer.requestEnded(handout, answered: true)
                guard error.status == 401 else { throw error }
                try await authorizer.tokenRefused(handout.token, error: error, isRetry: isRetry)
                guard !isRetry else {
                    error.classification = .needsReconnect
                    throw error
                }
            } catch {
                if let handout { await authorizer.requestEnded(handout, answered: false) }
                throw error
            }
        }
        preconditionFailure("the loop above returns or throws")
    }

    /// Waits for ``admission``, then builds the request with `authorize` and sends it.
    private func admitted(
        operation: String, _ authorize: () async throws -> HTTPRequest
    ) async throws -> HTTPResponse {
        let ticket = try await admission.admit(operation)
        let request: HTTPRequest
        do {
            request = try await authorize()
        } catch {
            admission.completed(ticket, rateLimit: nil)
            throw error
        }
        let sent = ContinuousClock.now
        do {
            let response = try await http.send(request, operation: operation)
            let rateLimit = RateLimitInfo(headers: response.headers)
            admission.completed(ticket, rateLimit: rateLimit)
            RequestMetrics.answered(status: response.status, rateLimit: rateLimit, after: ContinuousClock.now - sent)
            return response
        } catch let error as HubSpotError {
            admission.completed(ticket, rateLimit: error.rateLimit)
            RequestMetrics.answered(status: error.status, rateLimit: error.rateLimit, after: ContinuousClock.now - sent)
            throw error
        } catch {
            admission.completed(ticket, rateLimit: nil)
            if !(error is CancellationError) {
                RequestMetrics.answered(status: nil, rateLimit: nil, after: ContinuousClock.now - sent)
            }
            throw error
        }
    }
}
