import Foundation
import LeadSyncEngine
import Testing

/// How a sync ended and why a request failed are read by people (`last_error`, `sync`'s and
/// `bench`'s messages, logs): sentences, never Swift dumps of the enum cases.
@Suite struct SyncEndingTextTests {
    static let endings: [SyncReport.Ending] = [
        .drained, .stopped, .interrupted, .deadlineReached, .reconnectionRequired("refresh token revoked"),
        .dailyLimit(resetAt: Date(timeIntervalSince1970: 1_800_000_000)), .gaveUp(lastError: "HubSpot answered 503"),
        .missingScopes(["crm.objects.contacts.write"], message: "missing scopes"), .untrusted("certificate expired"),
    ]
    static let failures: [RequestFailure] = [
        .rateLimited(daily: false, retryAfter: .seconds(1)), .rateLimited(daily: true, retryAfter: nil),
        .transient("HubSpot answered 503", retryAfter: nil), .reconnectionRequired("revoked"),
        .missingScopes(["crm.objects.contacts.write"], message: "missing"), .untrusted("self-signed certificate"),
    ]

    @Test(arguments: endings)
    func anEndingReadsAsASentence(_ ending: SyncReport.Ending) {
        let text = "\(ending)"
        for marker in ["retryAfter", "resetAt:", "lastError:", "message:", "Ending", "drained", "deadlineReached"] {
            #expect(!text.contains(marker), "\(text)")
        }
    }

    @Test func theTextsSayWhatHappened() {
        #expect("\(SyncReport.Ending.deadlineReached)" == "stopped by --max-seconds with changes left")
        #expect(
            "\(SyncReport.Ending.dailyLimit(resetAt: Date(timeIntervalSince1970: 1_800_000_000)))"
                == "HubSpot daily limit reached; it resets at 2027-01-15T08:00:00.000Z")
        #expect("\(RequestFailure.transient("HubSpot answered 503", retryAfter: nil))" == "HubSpot answered 503")
        #expect("\(RequestFailure.untrusted("self-signed certificate"))" == "self-signed certificate")
    }

    @Test(arguments: failures)
    func aFailureReadsAsASentence(_ failure: RequestFailure) {
        let text = "\(failure)"
        #expect(!text.contains("retryAfter") && !text.contains("transient(") && !text.contains("untrusted("), "\(text)")
    }
}
