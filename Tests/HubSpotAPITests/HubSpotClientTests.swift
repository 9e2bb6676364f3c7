import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncHTTP
import LeadSyncSupport
import LeadSyncTestKit
import Synchronization
import Testing

@Suite("HubSpotClient against hubspot-sim", .hangGuard)
struct HubSpotClientTests {
    let harness: SimulatorHarness
    let transport = CurlTransport()

    init() throws { harness = try SimulatorHarness() }

    func client(_ version: HubSpotAPIVersion = .v2026_03, token: String? = nil) -> HubSpotClient {
        HubSpotClient(
            baseURL: harness.baseURL, version: version, transport: transport,
            authorizer: StaticTokenAuthorizer(token: Secret(token ?? harness.token)))
    }

    @Test(arguments: HubSpotAPIVersion.allCases)
    func upsertCreatesThenUpdatesAndReportsRateLimits(version: HubSpotAPIVersion) async throws {
        let client = client(version)
        let first = try await client.batchUpsert([
            UpsertInput(
                id: "ada@example.com", objectWriteTraceId: "t1",
                properties: ["email": "ada@example.com", "firstname": "Ada"]),
            UpsertInput(
                id: "grace@example.com", objectWriteTraceId: "t2",
                properties: ["email": "grace@example.com", "firstname": "Grace \"G\""]),
        ])
        #expect(first.value.errors.isEmpty)
        #expect(first.value.results.count == 2)
        #expect(first.value.results.allSatisfy { $0.new == true })
        #expect(first.rateLimit?.max == 190)
        #expect(first.rateLimit?.intervalMilliseconds == 10_000)
        #expect(first.correlationId != nil)
        let second = try await client.batchUpsert([
            UpsertInput(id: "ada@example.com", objectWriteTraceId: "t3", properties: ["lastname": "Lovelace"])
        ])
        #expect(second.value.results.first?.new == false)
        #expect(harness.simulator.contact(email: "grace@example.com")?.properties["firstname"] == "Grace \"G\"")
        #expect(harness.simulator.contact(email: "ada@example.com")?.properties["lastname"] == "Lovelace")
    }

    @Test func partialFailureNamesTheRefusedInputByTraceId() async throws {
        let answer = try await client().batchUpsert([
            UpsertInput(id: "ok@example.com", objectWriteTraceId: "good", properties: ["firstname": "Ok"]),
            UpsertInput(id: "bad@example.com", objectWriteTraceId: "bad", properties: ["no_such_property": "x"]),
        ])
        #expect(answer.status == 207)
        #expect(answer.value.results.map(\.properties["email"]) == ["ok@example.com"])
        let error = try #require(answer.value.errors.first)
        #expect(answer.value.errors.count == 1)
        #expect(error.traceIds == ["bad"])
        #expect(error.category == "VALIDATION_ERROR")
        #expect(error.classification == .permanentForRecords)
        #expect(error.propertyNames.contains("no_such_property"))
    }

    @Test func aWriteAnswerKeepsTheNamedPropertiesOnly() async throws {
        let client = client()
        let input = UpsertInput(
            id: "ada@example.com", objectWriteTraceId: "t1",
            properties: ["email": "ada@example.com", "firstname": "Ada"])
        let kept = try await client.batchUpsert([input], keepingProperties: ["email", "phone"])
        let contact = try #require(kept.value.results.first)
        #expect(contact.properties == ["email": "ada@example.com"])
        #expect(contact.objectWriteTraceId == "t1" && contact.createdAt != nil)
        let all = try await client.batchUpdate(
            [UpdateInput(id: contact.id, objectWriteTraceId: "t2", properties: ["firstname": "Augusta"])])
        #expect(all.value.results.first?.properties["firstname"] == "Augusta")
        #expect(all.value.results.first?.properties["hs_object_id"] == contact.id)
        let none = try await client.batchUpdate(
            [UpdateInput(id: contact.id, objectWriteTraceId: "t3", properties: ["firstname": "Ada"])],
            keepingProperties: [])
        #expect(none.value.results.map(\.properties) == [[:]])
        #expect(none.value.results.map(\.id) == [contact.id])
    }

    @Test func updateOfAMissingIdIsAnErrorNamingTheId() async throws {
        let ids = harness.simulator.seedContacts([["email": "a@example.com"]])
        let answer = try await client().batchUpdate([
            UpdateInput(id: ids[0], objectWriteTraceId: "t1", properties: ["firstname": "A"]),
            UpdateInput(id: "999999999", objectWriteTraceId: "t2", properties: ["firstname": "B"]),
        ])
        #expect(answer.value.results.map(\.id) == [ids[0]])
        let error = try #require(answer.value.errors.first)
        #expect(error.category == "OBJECT_NOT_FOUND")
        #expect(error.ids.contains("999999999") || error.traceIds == ["t2"])
    }

    @Test func readByEmailAndCreateConflictCarriesTheExistingId() async throws {
        let ids = harness.simulator.seedContacts([["email": "ada@example.com", "firstname": "Ada"]])
        let client = client()
        let read = try await client.batchRead(
            ids: ["ada@example.com", "nobody@example.com"], idProperty: "email", properties: ["firstname"])
        #expect(read.value.results.map(\.id) == ids)
        #expect(read.value.results.first?.properties["firstname"] == "Ada")
        #expect(read.value.errors.first?.category == "OBJECT_NOT_FOUND")

        let single = try await client.contact(id: "ada@example.com", idProperty: "email", properties: ["firstname"])
        #expect(single.value.id == ids[0])

        let error = await #expect(throws: HubSpotError.self) {
            try await client.createContact(properties: ["email": "ada@example.com"])
        }
        #expect(error?.status == 409)
        #expect(error?.existingId == ids[0])
        #expect(error?.classification == .permanentForRecords)
    }

    @Test func listPagesAndSearchFilters() async throws {
        harness.simulator.seedContacts(
            (0..<25).map { ["email": "p\($0)@example.com", "company": $0 % 2 == 0 ? "Even" : "Odd"] })
        let client = client()
        var seen: [String] = []
        var after: String?
        repeat {
            let page = try await client.listContacts(after: after, limit: 10, properties: ["email"])
            seen += page.value.results.compactMap { $0.properties["email"] }
            after = page.value.nextAfter
        } while after != nil
        #expect(Set(seen).count == 25)

        let search = ContactSearch(
            filterGroups: [[ContactSearch.Filter(propertyName: "company", operator: "EQ", value: "Even")]],
            sorts: [ContactSearch.Sort(propertyName: "email")], properties: ["email", "company"], limit: 100)
        let found = try await client.searchContacts(search)
        #expect(found.value.total == 13)
        #expect(found.value.results.allSatisfy { $0.properties["company"] == "Even" })
        #expect(found.rateLimit == nil)
    }

    @Test func propertiesAndAccountDetails() async throws {
        let client = client()
        let properties = try await client.contactProperties().value
        let email = try #require(properties.first { $0.name == "email" })
        #expect(email.isWritable)
        #expect(properties.first { $0.name == "hs_object_id" }?.isWritable == false)
        let created = try await client.createContactProperty(
            name: "budget_band", label: "Budget band", type: "enumeration", fieldType: "select",
            options: [.init(label: "Small", value: "small")])
        #expect(created.value.options.map(\.value) == ["small"])
        let account = try await client.accountDetails().value
        #expect(account.portalId == harness.simulator.configuration.portalId)
        #expect(account.timeZone == "UTC")
    }

    @Test func refusedStaticTokenNeedsReconnect() async throws {
        let error = await #expect(throws: HubSpotError.self) {
            try await client(token: "pat-na1-unknown").accountDetails()
        }
        #expect(error?.status == 401)
        #expect(error?.category == "INVALID_AUTHENTICATION")
        #expect(error?.classification == .needsReconnect)
    }

    @Test func missingScopeIsNamed() async throws {
        harness.simulator.registerToken("pat-na1-readonly", scopes: ["crm.objects.contacts.read"])
        let error = await #expect(throws: HubSpotError.self) {
            try await client(token: "pat-na1-readonly").batchUpsert([
                UpsertInput(id: "a@example.com", objectWriteTraceId: "t", properties: [:])
            ])
        }
        #expect(error?.classification == .missingScopes(["crm.objects.contacts.write"]))
    }

    @Test func rateLimitIsClassifiedWithItsPolicyAndWindow() async throws {
        harness.simulator.updateConfiguration { $0.rateLimit = .init(max: 2, intervalMilliseconds: 10_000) }
        let client = client()
        _ = try await client.accountDetails()
        _ = try await client.accountDetails()
        let error = await #expect(throws: HubSpotError.self) { try await client.accountDetails() }
        #expect(error?.status == 429)
        #expect(error?.classification == .rateLimited(policy: "TEN_SECONDLY_ROLLING", window: .seconds(10)))
    }

    @Test(arguments: [423, 500, 502, 503, 504])
    func transientStatusesAreRetryLater(status: Int) async throws {
        harness.simulator.injectFault(.status(status))
        let error = await #expect(throws: HubSpotError.self) { try await client().accountDetails() }
        #expect(error?.status == status)
        guard case .retryLater = error?.classification else {
            Issue.record("expected retryLater, got \(String(describing: error?.classification))")
            return
        }
    }
}

/// The token goes on a request once the request may go: a wait for the request budget (a 429's
/// `Retry-After`, a full rolling window) must not age a token near its expiry into a 401 and a
/// wasted second request (found in the fault mix with 2-second tokens: up to 11 extra requests).
@Suite("HubSpotClient takes the token after admission", .hangGuard)
struct HubSpotClientAdmissionOrderTests {
    /// Records what happened, in order.
    final class Log: Sendable {
        let events = Mutex<[String]>([])
        func add(_ event: String) { events.withLock { $0.append(event) } }
    }

    struct RecordingAuthorizer: HubSpotAuthorizer {
        let token: Secret
        let log: Log
        func accessToken() async throws -> TokenHandout {
            log.add("token")
            return TokenHandout(token: token)
        }
        func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws {}
        func requestEnded(_ handout: TokenHandout, answered: Bool) async { log.add(answered ? "answered" : "ended") }
    }

    struct WaitingAdmission: RequestAdmission {
        let log: Log
        func admit(_ operation: String) async throws -> AdmissionTicket {
            try await Task.sleep(for: .milliseconds(50))
            log.add("admitted")
            return AdmissionTicket(id: 1)
        }
        func completed(_ ticket: AdmissionTicket, rateLimit: RateLimitInfo?) { log.add("completed") }
    }

    @Test func theTokenIsTakenAfterTheBudgetAdmitsTheRequest() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let log = Log()
        let client = HubSpotClient(
            baseURL: harness.baseURL, transport: CurlTransport(),
            authorizer: RecordingAuthorizer(token: Secret(harness.token), log: log),
            admission: WaitingAdmission(log: log))
        _ = try await client.contactProperties()
        #expect(log.events.withLock { $0 } == ["admitted", "token", "completed", "answered"])
    }

    /// The authorizer hears of every request's end, failures included, so it can size its refresh
    /// margin from the round trips and the requests still in flight; a request without an answer is
    /// reported as such, since it tells nothing about when HubSpot read its token.
    @Test func everyRequestsEndIsReportedAndLostOnesAsUnanswered() async throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let log = Log()
        let authorizer = RecordingAuthorizer(token: Secret(harness.token), log: log)
        let client = HubSpotClient(baseURL: harness.baseURL, transport: CurlTransport(), authorizer: authorizer)
        // Nothing listens on port 1: the request is refused before any answer.
        let unreachable = HubSpotClient(
            baseURL: "http://127.0.0.1:1", transport: CurlTransport(), authorizer: authorizer)
        harness.simulator.injectFault(.status(503), onRequest: 1)
        await #expect(throws: HubSpotError.self) { try await client.accountDetails() }
        await #expect(throws: TransportError.self) { try await unreachable.accountDetails() }
        _ = try await client.accountDetails()
        #expect(log.events.withLock { $0 } == ["token", "answered", "token", "ended", "token", "answered"])
    }
}
