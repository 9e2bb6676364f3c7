import LeadSyncHTTPServer
import LeadSyncSupport

/// OAuth: consent redirect, token grants (v1 and date-versioned), introspection and revocation.
extension SimulatorState {
    mutating func oauth(_ route: Route, request: HTTPServerRequest, now: Int64, correlation: String) -> SimResponse {
        switch route {
        case .authorize: return authorize(request, now: now)
        case .token: return token(request, now: now)
        case .accessTokenInfo(let token): return accessTokenInfo(token, now: now)
        case .refreshTokenInfo(let token): return refreshTokenInfo(token)
        case .deleteRefreshToken(let token):
            auth.refreshTokens[token]?.revoked = true
            return SimResponse(status: 204)
        case .introspect: return introspect(request, now: now)
        case .revoke:
            let form = Dictionary(
                request.formItems.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            if let refused = clientRefusal(form) { return refused }
            if let token = form["token"] {
                auth.refreshTokens[token]?.revoked = true
                auth.accessTokens[token] = nil
            }
            return SimResponse(status: 200, json: [:])
        default:
            return SimResponse.error(404, category: nil, message: "Not found", correlationId: correlation)
        }
    }

    /// Issues a single-use code, as the consent page would after the user approves.
    mutating func issueCode(clientId: String, redirectURI: String, scopes: [String], codeChallenge: String?, now: Int64)
        -> String
    {
        auth.uninstalled.remove(clientId)
        let code = randomToken("code-")
        auth.codes[code] = AuthRegistry.AuthorizationCode(
            clientId: clientId, redirectURI: redirectURI, scopes: scopes, codeChallenge: codeChallenge,
            expiresAtMilliseconds: now + Int64(configuration.authorizationCodeLifetimeSeconds) * 1000)
        return code
    }

    private mutating func authorize(_ request: HTTPServerRequest, now: Int64) -> SimResponse {
        let query = Dictionary(request.queryItems.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        guard let clientId = query["client_id"], auth.clients[clientId] != nil, let redirect = query["redirect_uri"]
        else {
            var page = SimResponse(status: 400)
            page.raw = (
                "text/html",
                Array(
                    "<html><body><h1>Authorization failed</h1><p>Unknown client_id or missing redirect_uri.</p></body></html>"
                        .utf8)
            )
            return page
        }
        var parameters: [(String, String)]
        if let error = configuration.consentError {
            parameters = [
                ("error", error), ("error_description", "The user denied access or the consent failed (\(error))."),
            ]
        } else {
            let scopes = (query["scope"] ?? "").split(separator: " ").map(String.init)
            var challenge = query["code_challenge"]
            if let method = query["code_challenge_method"], method != "S256" { challenge = nil }
            parameters = [
                (
                    "code",
                    issueCode(
                        clientId: clientId, redirectURI: redirect, scopes: scopes, codeChallenge: challenge, now: now)
                )
            ]
        }
        if let state = query["state"] { parameters.append(("state", state)) }
        let separator = redirect.contains("?") ? "&" : "?"
        let location =
            redirect + separator + parameters.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return SimResponse(status: 302, headers: [("Location", location)])
    }

    static func formEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default: out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private func grantError(_ status: String, _ error: String, _ message: String) -> SimResponse {
        SimResponse(
            status: 400,
            json: [
                "status": .string(status), "message": .string(message), "error": .string(error),
                "error_description": .string(message),
            ])
    }

    private func clientRefusal(_ form: [String: String]) -> SimResponse? {
        guard let clientId = form["client_id"], let secret = auth.clients[clientId] else {
            return grantError("BAD_CLIENT_ID", "invalid_client", "missing or unknown client id")
        }
        guard form["client_secret"] == secret else {
            return grantError("BAD_CLIENT_SECRET", "invalid_client", "missing or invalid client secret")
        }
        return nil
    }

    private mutating func token(_ request: HTTPServerRequest, now: Int64) -> SimResponse {
        let form = Dictionary(request.formItems.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        if let refused = clientRefusal(form) { return refused }
        let clientId = form["client_id"]!
        switch form["grant_type"] {
        case "authorization_code":
            guard let code = form["code"], let grant = auth.codes[code], grant.clientId == clientId else {
                return grantError("BAD_AUTH_CODE", "invalid_grant", "missing or invalid authorization code")
            }
            auth.codes[code] = nil
            guard grant.expiresAtMilliseconds > now else {
                return grantError("EXPIRED_AUTH_CODE", "invalid_grant", "authorization code has expired")
            }
            guard form["redirect_uri"] == grant.redirectURI else {
                return grantError(
                    "BAD_REDIRECT_URI", "invalid_grant", "redirect_uri does not match the one used for the code")
            }
            if let challenge = grant.codeChallenge {
                guard let verifier = form["code_verifier"],
                    Base64URL.encode(SHA256.hash(Array(verifier.utf8))) == challenge
                else {
                    return grantError(
                        "BAD_AUTH_CODE", "invalid_grant", "code_verifier does not match the code_challenge")
                }
            }
            let refresh = randomToken("refresh-")
            auth.refreshTokens[refresh] = AuthRegistry.RefreshToken(clientId: clientId, scopes: grant.scopes)
            return tokenAnswer(refresh: refresh, scopes: grant.scopes, clientId: clientId, now: now)
        case "refresh_token":
            guard let presented = form["refresh_token"], let grant = auth.refreshTokens[presented], !grant.revoked,
                grant.clientId == clientId
            else {
                return grantError("BAD_REFRESH_TOKEN", "invalid_grant", "refresh token is invalid, expired or revoked")
            }
            guard !auth.uninstalled.contains(clientId) else {
                // HubSpot's answer when the app was uninstalled or the account deleted: no `invalid_grant`.
                return SimResponse(
                    status: 400,
                    json: [
                        "status": "BAD_HUB",
                        "message": "The app was uninstalled from this account or the account was deleted.",
                        "error": "access_denied", "error_description": "The app was uninstalled from this account.",
                    ])
            }
            counters.refreshes += 1
            var refresh = presented
            if configuration.rotateRefreshTokens {
                auth.refreshTokens[presented]?.revoked = true
                refresh = randomToken("refresh-")
                auth.refreshTokens[refresh] = grant
            }
            return tokenAnswer(refresh: refresh, scopes: grant.scopes, clientId: clientId, now: now)
        default:
            return grantError(
                "BAD_GRANT_TYPE", "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
        }
    }

    private mutating func tokenAnswer(refresh: String, scopes: [String], clientId: String, now: Int64) -> SimResponse {
        let access = randomToken("access-")
        let lifetime = configuration.accessTokenLifetimeSeconds
        auth.accessTokens[access] = AuthRegistry.AccessToken(
            clientId: clientId, scopes: scopes, expiresAtMilliseconds: now + Int64(lifetime) * 1000,
            refreshToken: refresh)
        return SimResponse(
            status: 200,
            json: [
                "token_type": "bearer", "refresh_token": .string(refresh), "access_token": .string(access),
                "expires_in": .int(lifetime), "hub_id": .int(configuration.portalId), "scopes": .strings(scopes),
                "token_use": "access_token", "user_id": 1,
            ])
    }

    private func accessTokenInfo(_ token: String, now: Int64) -> SimResponse {
        guard let access = auth.accessTokens[token], access.expiresAtMilliseconds > now else {
            return SimResponse(status: 404, json: ["status": "NOT_FOUND", "message": "Token not found or expired"])
        }
        return SimResponse(
            status: 200,
            json: [
                "token": .string(token), "user": "sim-user@example.com", "hub_domain": "sim.hubspot.example",
                "scopes": .strings(access.scopes), "hub_id": .int(configuration.portalId), "app_id": 1,
                "expires_in": .int(Int((access.expiresAtMilliseconds - now) / 1000)), "user_id": 1,
                "token_type": "access",
                "signed_access_token": [
                    "expiresAt": .int(access.expiresAtMilliseconds), "scopes": "",
                    "hubId": .int(configuration.portalId),
                    "userId": 1, "appId": 1, "signature": "", "scopeToScopeGroupPks": "", "newSignature": "",
                    "hublet": "na1", "trialScopes": "", "trialScopeToScopeGroupPks": "", "isUserLevel": false,
                    "isServiceAccount": false, "installingUserId": 1, "isPrivateDistribution": false,
                ],
                "is_private_distribution": false,
            ])
    }

    private func refreshTokenInfo(_ token: String) -> SimResponse {
        guard let refresh = auth.refreshTokens[token], !refresh.revoked else {
            return grantError("BAD_REFRESH_TOKEN", "invalid_grant", "refresh token is invalid, expired or revoked")
        }
        return SimResponse(
            status: 200,
            json: [
                "token": .string(token), "user": "sim-user@example.com", "hub_domain": "sim.hubspot.example",
                "scopes": .strings(refresh.scopes), "hub_id": .int(configuration.portalId),
                "client_id": .string(refresh.clientId),
                "user_id": 1, "token_type": "refresh",
            ])
    }

    private func introspect(_ request: HTTPServerRequest, now: Int64) -> SimResponse {
        let form = Dictionary(request.formItems.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        if let refused = clientRefusal(form) { return refused }
        let token = form["token"] ?? ""
        if let access = auth.accessTokens[token], access.expiresAtMilliseconds > now {
            return SimResponse(
                status: 200,
                json: [
                    "active": true, "app_id": 1, "client_id": .string(access.clientId),
                    "hub_id": .int(configuration.portalId),
                    "scopes": .strings(access.scopes), "token": .string(token), "token_type": "bearer",
                    "token_use": "access_token",
                    "user_id": 1, "expires_in": .int(Int((access.expiresAtMilliseconds - now) / 1000)),
                    "is_private_distribution": false,
                    "signed_access_token": [
                        "expiresAt": .int(access.expiresAtMilliseconds), "scopes": "",
                        "hubId": .int(configuration.portalId),
                        "userId": 1, "appId": 1, "signature": "", "hublet": "na1", "isUserLevel": false,
                        "isServiceAccount": false, "isPrivateDistribution": false,
                    ],
                ])
        }
        if let refresh = auth.refreshTokens[token], !refresh.revoked {
            return SimResponse(
                status: 200,
                json: [
                    "active": true, "app_id": 1, "client_id": .string(refresh.clientId),
                    "hub_id": .int(configuration.portalId),
                    "scopes": .strings(refresh.scopes), "token": .string(token), "token_type": "bearer",
                    "token_use": "refresh_token", "user_id": 1,
                ])
        }
        return SimResponse(status: 200, json: ["active": false])
    }
}
