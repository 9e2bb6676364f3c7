import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Rate limits")
struct RateLimitTests {
    @Test func rollingWindowRefusesWithPolicyNameAndHeaders() throws {
        let harness = try SimulatorHarness { $0.rateLimit = .init(max: 3, intervalMilliseconds: 10_000) }
        defer { harness.stop() }
        let client = harness.client()
        var remaining: [String?] = []
        for _ in 0..<3 {
            let answer = try client.json("GET", ContactInputs.contacts, token: harness.token)
            #expect(answer.status == 200)
            #expect(answer.header("X-HubSpot-RateLimit-Max") == "3")
            #expect(answer.header("X-HubSpot-RateLimit-Interval-Milliseconds") == "10000")
            #expect(answer.header("X-HubSpot-RateLimit-Daily") == "625000")
            remaining.append(answer.header("X-HubSpot-RateLimit-Remaining"))
            harness.clock.advance(milliseconds: 1000)
        }
        #expect(remaining == ["2", "1", "0"])
        let limited = try client.json("GET", ContactInputs.contacts, token: harness.token)
        #expect(limited.status == 429)
        #expect(limited.json["policyName"] as? String == "TEN_SECONDLY_ROLLING")
        #expect(limited.json["errorType"] as? String == "RATE_LIMIT")
        #expect(limited.json["message"] as? String == "You have reached your ten_secondly_rolling limit.")
        #expect(limited.header("Retry-After") == nil)
        // The first request leaves the window 10 s after it was made.
        harness.clock.advance(milliseconds: 7001)
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 200)
        let counters = harness.simulator.counters()
        #expect(counters.rateLimited == 1)
        #expect(counters.count("contacts.list", status: 429) == 1)
        // 1 s, 2 s, 3 s (refused) and 10.001 s share one window; 0 s has left it.
        #expect(counters.maxRequestsInTenSeconds == 4)
    }

    /// HubSpot's burst limit is per app: the tokens of one private app (a fleet of devices, or a
    /// token and its rotated successor) share one window; another app has its own.
    @Test func tokensOfOnePrivateAppShareItsRollingWindow() throws {
        let harness = try SimulatorHarness { $0.rateLimit = .init(max: 4, intervalMilliseconds: 10_000) }
        defer { harness.stop() }
        for token in ["pat-fleet-a", "pat-fleet-b"] { harness.simulator.registerToken(token, app: "fleet") }
        harness.simulator.registerToken("pat-other", app: "other")
        let client = harness.client()
        var remaining: [String?] = []
        for token in ["pat-fleet-a", "pat-fleet-b", "pat-fleet-a", "pat-fleet-b"] {
            remaining.append(
                try client.json("GET", ContactInputs.contacts, token: token).header("X-HubSpot-RateLimit-Remaining"))
        }
        #expect(remaining == ["3", "2", "1", "0"])
        #expect(try client.json("GET", ContactInputs.contacts, token: "pat-fleet-b").status == 429)
        let other = try client.json("GET", ContactInputs.contacts, token: "pat-other")
        #expect(other.status == 200 && other.header("X-HubSpot-RateLimit-Remaining") == "3")
    }

    @Test func dailyLimitForStaticTokensOnly() throws {
        let harness = try SimulatorHarness {
            $0.dailyLimit = 2
            $0.rateLimit = nil
        }
        defer { harness.stop() }
        harness.simulator.registerOAuthClient(id: "c", secret: "s")
        let client = harness.client()
        #expect(
            try client.json("GET", ContactInputs.contacts, token: harness.token).header(
                "X-HubSpot-RateLimit-Daily-Remaining") == "1")
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 200)
        let limited = try client.json("GET", ContactInputs.contacts, token: harness.token)
        #expect(limited.status == 429)
        #expect(limited.json["policyName"] as? String == "DAILY")
        #expect(limited.json["message"] as? String == "You have reached your daily limit.")

        let code = harness.simulator.issueAuthorizationCode(clientId: "c", redirectURI: "http://localhost/cb")
        let access =
            try client.form(
                "POST", "/oauth/v1/token",
                [
                    ("grant_type", "authorization_code"), ("client_id", "c"),
                    ("client_secret", "s"), ("redirect_uri", "http://localhost/cb"),
                    ("code", code),
                ]
            ).json["access_token"] as! String
        let oauth = try client.json("GET", ContactInputs.contacts, token: access)
        #expect(oauth.status == 200)
        #expect(oauth.header("X-HubSpot-RateLimit-Daily") == nil)
        #expect(oauth.header("X-HubSpot-RateLimit-Max") == "110")

        harness.clock.advance(seconds: 86_400)
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 200)
    }

    @Test func limitsChangeAtRunTimeAndRetryAfterIsOptional() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.updateConfiguration {
            $0.rateLimit = .init(max: 1, intervalMilliseconds: 1000)
            $0.retryAfterSeconds = 1
        }
        let client = harness.client()
        #expect(try client.json("GET", ContactInputs.contacts, token: harness.token).status == 200)
        let limited = try client.json("GET", ContactInputs.contacts, token: harness.token)
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") == "1")
    }

    @Test func tokenEndpointLimitPerClientWhenConfigured() throws {
        let harness = try SimulatorHarness { $0.tokenEndpointRateLimit = .init(max: 2, intervalMilliseconds: 10_000) }
        defer { harness.stop() }
        harness.simulator.registerOAuthClient(id: "c", secret: "s")
        let client = harness.client()
        let fields = [
            ("grant_type", "refresh_token"), ("client_id", "c"), ("client_secret", "s"), ("refresh_token", "none"),
        ]
        #expect(try client.form("POST", "/oauth/v1/token", fields).status == 400)
        #expect(try client.form("POST", "/oauth/2026-03/token", fields).status == 400)
        let limited = try client.form("POST", "/oauth/v1/token", fields)
        #expect(limited.status == 429)
        #expect(limited.json["policyName"] as? String == "TEN_SECONDLY_ROLLING")
        harness.clock.advance(seconds: 10)
        #expect(try client.form("POST", "/oauth/v1/token", fields).status == 400)
    }
}
