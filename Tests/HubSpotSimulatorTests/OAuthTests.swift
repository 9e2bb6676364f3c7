import HubSpotSimulator
import LeadSyncSupport
import LeadSyncTestKit
import Testing

@Suite("OAuth and authentication")
struct OAuthTests {
    let harness: SimulatorHarness
    let client: LoopbackHTTPClient

    init() throws {
        harness = try SimulatorHarness { $0.accessTokenLifetimeSeconds = 2 }
        harness.simulator.registerOAuthClient(id: "client-1", secret: "secret-1")
        client = harness.client()
    }

    private func exchange(_ code: String, verifier: String? = nil, path: String = "/oauth/v1/token") throws
        -> LoopbackHTTPClient.Response
    {
        var fields = [
            ("grant_type", "authorization_code"), ("client_id", "client-1"), ("client_secret", "secret-1"),
            ("redirect_uri", "http://localhost:8976/callback"), ("code", code),
        ]
        if let verifier { fields.append(("code_verifier", verifier)) }
        return try client.form("POST", path, fields)
    }

    private func refresh(_ token: String, path: String = "/oauth/v1/token") throws -> LoopbackHTTPClient.Response {
        try client.form(
            "POST", path,
            [
                ("grant_type", "refresh_token"), ("client_id", "client-1"), ("client_secret", "secret-1"),
                ("refresh_token", token),
            ])
    }

    @Test func consentRedirectsWithCodeAndStateAndPkceIsChecked() throws {
        defer { harness.stop() }
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  // RFC 7636 appendix B
        let consent = try client.send(
            "GET",
            "/oauth/authorize?client_id=client-1&redirect_uri=http%3A%2F%2Flocalhost%3A8976%2Fcallback"
                + "&scope=crm.objects.contacts.read%20oauth&state=s-42&code_challenge=\(challenge)&code_challenge_method=S256"
        )
        #expect(consent.status == 302)
        let location = try #require(consent.header("Location"))
        #expect(location.hasPrefix("http://localhost:8976/callback?code="))
        #expect(location.hasSuffix("&state=s-42"))
        let code = String(location.split(separator: "=")[1].split(separator: "&")[0])

        #expect(try exchange(code, verifier: "wrong").json["error"] as? String == "invalid_grant")
        // A code is single-use, even after a failed exchange.
        let reused = try exchange(code, verifier: verifier)
        #expect(reused.status == 400)

        let fresh = harness.simulator.issueAuthorizationCode(
            clientId: "client-1", redirectURI: "http://localhost:8976/callback", codeChallenge: challenge)
        let tokens = try exchange(fresh, verifier: verifier)
        #expect(tokens.status == 200)
        #expect(tokens.json["token_type"] as? String == "bearer")
        #expect(tokens.json["expires_in"] as? Int == 2)
        #expect(tokens.json["access_token"] is String && tokens.json["refresh_token"] is String)
    }

    @Test func consentErrorRedirectsWithError() throws {
        defer { harness.stop() }
        harness.simulator.updateConfiguration { $0.consentError = "access_denied" }
        let consent = try client.send(
            "GET", "/oauth/authorize?client_id=client-1&redirect_uri=http://localhost/cb&state=z")
        #expect(
            consent.header("Location")?.hasPrefix("http://localhost/cb?error=access_denied&error_description=") == true)
    }

    @Test func accessTokensExpireAndRefreshWorks() throws {
        defer { harness.stop() }
        let code = harness.simulator.issueAuthorizationCode(
            clientId: "client-1", redirectURI: "http://localhost:8976/callback")
        let tokens = try exchange(code, path: "/oauth/2026-03/token").json
        let access = try #require(tokens["access_token"] as? String)
        let refreshToken = try #require(tokens["refresh_token"] as? String)
        #expect(try client.json("GET", ContactInputs.contacts, token: access).status == 200)

        harness.clock.advance(milliseconds: 3000)
        let expired = try client.json("GET", ContactInputs.contacts, token: access)
        #expect(expired.status == 401)
        #expect(expired.json["category"] as? String == "EXPIRED_AUTHENTICATION")
        #expect(expired.json["message"] as? String == "The OAuth token used to make this call expired 1 second(s) ago.")

        let renewed = try refresh(refreshToken)
        #expect(renewed.status == 200)
        #expect(renewed.json["refresh_token"] as? String == refreshToken)
        let newAccess = try #require(renewed.json["access_token"] as? String)
        #expect(try client.json("GET", ContactInputs.contacts, token: newAccess).status == 200)
        #expect(harness.simulator.counters().refreshes == 1)

        let info = try client.send("GET", "/oauth/v1/access-tokens/\(newAccess)")
        #expect(info.json["hub_id"] as? Int == harness.simulator.configuration.portalId)
        let refreshInfo = try client.send("GET", "/oauth/v1/refresh-tokens/\(refreshToken)")
        #expect(refreshInfo.json["client_id"] as? String == "client-1")
        let introspected = try client.form(
            "POST", "/oauth/2026-03/token/introspect",
            [("client_id", "client-1"), ("client_secret", "secret-1"), ("token", newAccess)])
        #expect(introspected.json["active"] as? Bool == true)
    }

    /// A token the test ended early is told apart from one that expired by itself, so a fault
    /// mix can count the 401s it caused as its own faults.
    @Test func refusalsOfTokensEndedEarlyAreCountedApart() throws {
        defer { harness.stop() }
        func token() throws -> String {
            let code = harness.simulator.issueAuthorizationCode(
                clientId: "client-1", redirectURI: "http://localhost:8976/callback")
            return try #require(try exchange(code, path: "/oauth/2026-03/token").json["access_token"] as? String)
        }
        let lapsed = try token()
        harness.clock.advance(milliseconds: 3000)
        let ended = try token()
        harness.simulator.expireAccessTokens()
        #expect(try client.json("GET", ContactInputs.contacts, token: lapsed).status == 401)
        #expect(harness.simulator.counters().refusedEndedEarly == 0, "it expired by itself")
        #expect(try client.json("GET", ContactInputs.contacts, token: ended).status == 401)
        #expect(try client.json("GET", ContactInputs.contacts, token: ended).status == 401)
        #expect(harness.simulator.counters().refusedEndedEarly == 2)
    }

    @Test func revokedRefreshTokenIsInvalidGrantButAccessTokenLives() throws {
        defer { harness.stop() }
        let code = harness.simulator.issueAuthorizationCode(
            clientId: "client-1", redirectURI: "http://localhost:8976/callback")
        let tokens = try exchange(code).json
        let access = tokens["access_token"] as! String
        let refreshToken = tokens["refresh_token"] as! String
        #expect(try client.send("DELETE", "/oauth/v1/refresh-tokens/\(refreshToken)").status == 204)
        let refused = try refresh(refreshToken)
        #expect(refused.status == 400)
        #expect(refused.json["error"] as? String == "invalid_grant")
        #expect(refused.json["status"] as? String == "BAD_REFRESH_TOKEN")
        #expect(try client.json("GET", ContactInputs.contacts, token: access).status == 200)
        let badSecret = try client.form(
            "POST", "/oauth/v1/token",
            [
                ("grant_type", "refresh_token"), ("client_id", "client-1"),
                ("client_secret", "nope"), ("refresh_token", refreshToken),
            ])
        #expect(badSecret.json["error"] as? String == "invalid_client")
    }

    @Test func rotationIssuesANewRefreshToken() throws {
        defer { harness.stop() }
        harness.simulator.updateConfiguration { $0.rotateRefreshTokens = true }
        let code = harness.simulator.issueAuthorizationCode(
            clientId: "client-1", redirectURI: "http://localhost:8976/callback")
        let first = try exchange(code).json["refresh_token"] as! String
        let rotated = try refresh(first).json["refresh_token"] as? String
        #expect(rotated != nil && rotated != first)
        #expect(try refresh(first).status == 400)
    }

    @Test func unknownTokenAndMissingScope() throws {
        defer { harness.stop() }
        let unknown = try client.json("GET", ContactInputs.contacts, token: "pat-na1-nope")
        #expect(unknown.status == 401)
        #expect(unknown.json["category"] as? String == "INVALID_AUTHENTICATION")
        #expect(try client.json("GET", ContactInputs.contacts).status == 401)
        harness.simulator.registerToken("read-only", scopes: ["crm.objects.contacts.read"])
        let forbidden = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: "read-only",
            body: ContactInputs.batch([ContactInputs.upsert("x@example.com")]))
        #expect(forbidden.status == 403)
        #expect(forbidden.json["category"] as? String == "MISSING_SCOPES")
        let scopes = ((forbidden.json["errors"] as? [[String: Any]])?.first?["context"] as? [String: [String]])?[
            "requiredGranularScopes"]
        #expect(scopes == ["crm.objects.contacts.write"])
        #expect(try client.json("GET", ContactInputs.contacts, token: "read-only").status == 200)
    }

    @Test func accountDetailsForAnyValidToken() throws {
        defer { harness.stop() }
        for path in ["/account-info/2026-03/details", "/account-info/v3/details"] {
            let answer = try client.json("GET", path, token: harness.token)
            #expect(answer.status == 200)
            #expect(answer.json["portalId"] as? Int == harness.simulator.configuration.portalId)
            #expect(answer.json["timeZone"] as? String == "UTC")
        }
    }
}

@Suite("OAuth app uninstall")
struct UninstallTests {
    @Test func uninstalledAppGetsBadHubUntilReinstalled() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.registerOAuthClient(id: "app", secret: "s")
        let client = harness.client()
        func exchange(_ code: String) throws -> [String: Any] {
            try client.form(
                "POST", "/oauth/v1/token",
                [
                    ("grant_type", "authorization_code"), ("client_id", "app"),
                    ("client_secret", "s"), ("redirect_uri", "http://localhost/cb"),
                    ("code", code),
                ]
            ).json
        }
        let tokens = try exchange(
            harness.simulator.issueAuthorizationCode(clientId: "app", redirectURI: "http://localhost/cb"))
        let access = tokens["access_token"] as! String
        let refresh = tokens["refresh_token"] as! String
        #expect(try client.json("POST", "/_sim/uninstall", body: ["clientId": "app"]).status == 200)
        #expect(try client.json("GET", ContactInputs.contacts, token: access).status == 401)
        let refused = try client.form(
            "POST", "/oauth/v1/token",
            [
                ("grant_type", "refresh_token"), ("client_id", "app"),
                ("client_secret", "s"), ("refresh_token", refresh),
            ])
        #expect(refused.status == 400)
        #expect(refused.json["status"] as? String == "BAD_HUB")
        #expect(refused.json["error"] as? String == "access_denied")
        let again = try exchange(
            harness.simulator.issueAuthorizationCode(clientId: "app", redirectURI: "http://localhost/cb"))
        let reinstalled = try #require(again["access_token"] as? String)
        #expect(try client.json("GET", ContactInputs.contacts, token: reinstalled).status == 200)
    }
}
