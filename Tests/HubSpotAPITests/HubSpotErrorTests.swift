import Foundation
import LeadSyncHTTP
import Testing

@testable import HubSpotAPI

@Suite("HubSpotError from HubSpot's documented bodies")
struct HubSpotErrorTests {
    func error(_ status: Int, _ body: String, headers: HTTPHeaders = HTTPHeaders()) -> HubSpotError {
        HubSpotError(response: HTTPResponse(status: status, headers: headers, body: Data(body.utf8)))
    }

    @Test func expiredTokenNeedsRefreshAndUnknownTokenNeedsReconnect() {
        #expect(
            error(
                401,
                #"{"status":"error","message":"The OAuth token used to make this call expired 0 second(s) ago.","category":"EXPIRED_AUTHENTICATION","context":{"expire time":["2026-03-10T23:04:41.164Z"]}}"#
            ).classification == .needsTokenRefresh)
        #expect(
            error(
                401,
                #"{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}"#
            ).classification == .needsReconnect)
    }

    @Test func rateLimitBodies() {
        let ten = error(
            429,
            #"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c1","policyName":"TEN_SECONDLY_ROLLING","groupName":"g"}"#
        )
        #expect(ten.classification == .rateLimited(policy: "TEN_SECONDLY_ROLLING", window: .seconds(10)))
        #expect(ten.correlationId == "c1")
        let daily = error(
            429,
            #"{"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT","policyName":"DAILY"}"#
        )
        #expect(daily.classification == .rateLimited(policy: "DAILY", window: nil))
        #expect(daily.isDailyLimit)
        let search = error(
            429, #"{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT"}"#)
        #expect(search.classification == .rateLimited(policy: "SECONDLY", window: .seconds(1)))
        let withRetryAfter = error(429, #"{"policyName":"TEN_SECONDLY_ROLLING"}"#, headers: ["Retry-After": "3"])
        #expect(withRetryAfter.classification == .rateLimited(policy: "TEN_SECONDLY_ROLLING", window: .seconds(3)))
    }

    @Test func oauthErrorsOldAndNew() {
        #expect(
            error(
                400,
                #"{"error":"invalid_grant","error_description":"refresh token is invalid, expired or revoked","status":"BAD_REFRESH_TOKEN","message":"refresh token is invalid, expired or revoked"}"#
            ).classification == .needsReconnect)
        #expect(
            error(400, #"{"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token"}"#).classification
                == .needsReconnect)
        #expect(
            error(400, #"{"status":"BAD_HUB","error":"access_denied","message":"hub deleted"}"#).classification
                == .needsReconnect)
        #expect(
            error(400, #"{"status":"BAD_CLIENT_ID","message":"unknown client"}"#).classification == .badConfiguration)
    }

    @Test func validationMessageNamesTheProperties() {
        let body =
            #"{"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"missing\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"missing\"}]","correlationId":"x"}"#
        let parsed = error(400, body)
        #expect(parsed.propertyNames == ["missing"])
        #expect(parsed.details.first?.code == "PROPERTY_DOESNT_EXIST")
        #expect(parsed.classification == .permanentForRecords)
    }

    @Test func duplicateIdsAreAboutTheRequest() {
        let parsed = error(
            400,
            #"{"status":"error","message":"Duplicate IDs found in batch input: [12877907025]. IDs must be unique","correlationId":"d24","context":{"ids":["12877907025"]},"category":"VALIDATION_ERROR"}"#
        )
        #expect(parsed.ids == ["12877907025"])
        #expect(parsed.classification == .permanentForRequest)
    }

    @Test func htmlGatewayPageIsTransientAndUsesTheCorrelationHeader() {
        let parsed = error(502, "<html><body>Bad gateway</body></html>", headers: ["X-HubSpot-Correlation-Id": "h1"])
        #expect(parsed.classification == .retryLater(after: nil))
        #expect(parsed.correlationId == "h1")
        #expect(!parsed.message.contains("<html"))
        #expect(error(477, "", headers: ["Retry-After": "120"]).classification == .retryLater(after: .seconds(120)))
        #expect(error(423, "").classification == .retryLater(after: .seconds(2)))
    }

    @Test func missingScopesListsThem() {
        let parsed = error(
            403,
            #"{"status":"error","category":"MISSING_SCOPES","message":"This app hasn't been granted all required scopes","errors":[{"message":"missing","context":{"requiredGranularScopes":["crm.objects.contacts.write"]}}]}"#
        )
        #expect(parsed.classification == .missingScopes(["crm.objects.contacts.write"]))
    }
}
