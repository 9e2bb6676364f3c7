import HubSpotAPI
import Testing

@testable import LeadSyncEngine

/// HubSpot's answers and error shapes read as the state machine's verdicts (hubspot-api.md §3, §5).
@Suite struct HubSpotVerdictsTests {
    static func request(_ kind: OutboundRequest.Kind, _ keys: [String]) -> OutboundRequest {
        OutboundRequest(
            id: 1, kind: kind,
            inputs: keys.enumerated().map { OutboundRequest.Input(key: $1, traceID: "1-\($0)", properties: [:]) },
            readProperties: [])
    }

    static func entry(_ category: String, _ message: String, traceIds: [String] = [], ids: [String] = [])
        -> HubSpotError
    {
        HubSpotError(
            status: 207, category: category, message: message, traceIds: traceIds, ids: ids,
            existingId: message.contains("Existing ID: 4242") ? "4242" : nil, classification: .permanentForRecords)
    }

    @Test func writtenContactsMatchTheirInputByTraceIDElseByEmail() {
        let request = Self.request(.upsertByEmail, ["ada@example.com", "bob@example.com"])
        let answer = HubSpotVerdicts.answer(
            BatchResult(
                results: [
                    Contact(id: "1", properties: [:], objectWriteTraceId: "1-0"),
                    Contact(id: "2", properties: ["email": "BOB@example.com"]),
                ], errors: []), to: request)
        #expect(answer.contacts.mapValues(\.id) == ["1-0": "1", "1-1": "2"])
    }

    @Test func aWriteAnswerKeepsWhatMatchingItWithoutATraceIDNeeds() {
        // What the client keeps of a write's answer still matches it when HubSpot echoes no trace id.
        func kept(_ properties: [String: String], _ kind: OutboundRequest.Kind) -> [String: String] {
            let names = HubSpotVerdicts.keptProperties(kind) ?? Array(properties.keys)
            return properties.filter { names.contains($0.key) }
        }
        let echoed = ["email": "bob@example.com", "firstname": "Bob", "hs_merged_object_ids": "7;8"]
        let upsert = HubSpotVerdicts.answer(
            BatchResult(results: [Contact(id: "2", properties: kept(echoed, .upsertByEmail))], errors: []),
            to: Self.request(.upsertByEmail, ["bob@example.com"]))
        #expect(upsert.contacts.mapValues(\.id) == ["1-0": "2"])
        let update = HubSpotVerdicts.answer(
            BatchResult(results: [Contact(id: "2", properties: kept(echoed, .updateByID))], errors: []),
            to: Self.request(.updateByID, ["8"]))
        #expect(update.contacts.mapValues(\.id) == ["1-0": "2"])
        #expect(HubSpotVerdicts.keptProperties(.readByEmail) == nil && HubSpotVerdicts.keptProperties(.readByID) == nil)
    }

    @Test func aConflictNamesTheExistingContactFromHubSpotsMessage() {
        let request = Self.request(.upsertByEmail, ["ada@example.com"])
        let answer = HubSpotVerdicts.answer(
            BatchResult(
                results: [],
                errors: [Self.entry("CONFLICT", "Contact already exists. Existing ID: 4242", traceIds: ["1-0"])]),
            to: request)
        #expect(answer.refusals["1-0"]?.verdict == .conflict(existingID: "4242"))
    }

    @Test func aValidationRefusalNamesThePropertiesInItsMessage() {
        let message =
            #"Property values were not valid: [{"isValid":false,"message":"nope","error":"INVALID_OPTION","#
            + #""name":"company"}]"#
        let refusal = HubSpotVerdicts.refusal(Self.entry("VALIDATION_ERROR", message))
        #expect(refusal.verdict == .invalidValues(properties: ["company"]))
        #expect(refusal.category == "VALIDATION_ERROR")
        #expect(refusal.message == message)
        #expect(
            HubSpotVerdicts.refusal(Self.entry("VALIDATION_ERROR", "bad")).verdict == .invalidValues(properties: []))
    }

    @Test func aReadByIDThatFindsNothingIsNotFoundEvenWithoutAnError() {
        let request = Self.request(.readByID, ["5", "9"])
        let answer = HubSpotVerdicts.answer(
            BatchResult(results: [Contact(id: "88", properties: ["hs_merged_object_ids": "3;5"])], errors: []),
            to: request)
        #expect(answer.contacts["1-0"]?.id == "88", "merged: the new id answers for the old")
        #expect(answer.refusals["1-1"]?.verdict == .notFound)
        #expect(answer.refusals["1-1"]?.category == "OBJECT_NOT_FOUND")
        #expect(HubSpotVerdicts.readProperties(request).contains("hs_merged_object_ids"))
    }

    @Test func aReadByEmailThatFindsNothingIsNoContactNotARefusal() {
        let request = Self.request(.readByEmail, ["nobody@example.com"])
        let answer = HubSpotVerdicts.answer(
            BatchResult(
                results: [], errors: [Self.entry("OBJECT_NOT_FOUND", "not found", ids: ["nobody@example.com"])]),
            to: request)
        #expect(answer.contacts.isEmpty)
        #expect(answer.refusals.isEmpty)
        #expect(HubSpotVerdicts.readProperties(request).contains("email"))
    }

    @Test func failuresOfWholeRequestsReadAsWhatTheMachineDoes() {
        func error(_ status: Int, _ category: String?, _ classification: HubSpotError.Classification) -> HubSpotError {
            HubSpotError(status: status, category: category, message: "m", classification: classification)
        }
        #expect(
            HubSpotVerdicts.failure(error(429, nil, .rateLimited(policy: "DAILY", window: nil)))
                == .rateLimited(daily: true, retryAfter: nil))
        #expect(
            HubSpotVerdicts.failure(error(401, "EXPIRED_AUTHENTICATION", .needsTokenRefresh))
                == .transient("HubSpot answered 401 (EXPIRED_AUTHENTICATION)", retryAfter: nil))
        #expect(
            HubSpotVerdicts.failure(error(404, "OBJECT_NOT_FOUND", .permanentForRecords))
                == .refused(InputRefusal(.notFound, category: "OBJECT_NOT_FOUND", message: "m")))
    }
}
