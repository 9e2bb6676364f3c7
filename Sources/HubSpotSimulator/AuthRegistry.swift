/// Who may call the simulator: static (private-app) tokens, OAuth apps and what they were issued.
struct AuthRegistry {
    /// Scopes a token gets when none are given: everything the engine uses.
    static let allScopes = HubSpotSimulator.allScopes

    struct AccessToken {
        var clientId: String
        var scopes: [String]
        var expiresAtMilliseconds: Int64
        var refreshToken: String
        /// Expired by ``HubSpotSimulator/expireAccessTokens()`` before its lifetime was over.
        var endedEarly = false
    }

    struct RefreshToken {
        var clientId: String
        var scopes: [String]
        var revoked = false
    }

    struct AuthorizationCode {
        var clientId: String
        var redirectURI: String
        var scopes: [String]
        var codeChallenge: String?
        var expiresAtMilliseconds: Int64
    }

    /// The caller of an API request, once authenticated.
    struct Principal {
        enum Kind { case staticToken, oauth }
        var kind: Kind
        /// Rate-limit bucket: one per private app (all its static tokens), one per OAuth app.
        var bucket: String
        var scopes: [String]
    }

    /// Why a bearer token was refused.
    enum Refusal: Error {
        case missing
        case unknown
        case expired(expiredAtMilliseconds: Int64, endedEarly: Bool)
    }

    /// A private app's (or service key's) static token: its scopes, and the app whose rolling
    /// limit it counts against (HubSpot's burst limit is per app, shared by the app's tokens).
    struct StaticToken {
        var scopes: [String]
        var app: String
    }

    var staticTokens: [String: StaticToken] = [:]
    var clients: [String: String] = [:]
    var accessTokens: [String: AccessToken] = [:]
    var refreshTokens: [String: RefreshToken] = [:]
    var codes: [String: AuthorizationCode] = [:]
    /// OAuth apps uninstalled from the account: their tokens stop working until a new consent.
    var uninstalled: Set<String> = []

    /// The app a request's static token was registered under by name (`APP=TOKEN`); nil for any
    /// other credential, and never the token itself.
    func namedApp(of authorization: String?) -> String? {
        guard let authorization, authorization.count > 7,
            authorization.lowercased().hasPrefix("bearer "),
            let app = staticTokens[authorization.dropFirst(7).trimmedSpaces]?.app, !app.hasPrefix("token:")
        else { return nil }
        return app
    }

    func authenticate(_ authorization: String?, at now: Int64) -> Result<Principal, Refusal> {
        guard let authorization, authorization.count > 7, authorization.lowercased().hasPrefix("bearer ") else {
            return .failure(.missing)
        }
        let token = authorization.dropFirst(7).trimmedSpaces
        if let registered = staticTokens[token] {
            return .success(
                Principal(kind: .staticToken, bucket: "static:" + registered.app, scopes: registered.scopes))
        }
        guard let access = accessTokens[token], !uninstalled.contains(access.clientId) else {
            return .failure(.unknown)
        }
        guard access.expiresAtMilliseconds > now else {
            return .failure(
                .expired(expiredAtMilliseconds: access.expiresAtMilliseconds, endedEarly: access.endedEarly))
        }
        return .success(Principal(kind: .oauth, bucket: "oauth:" + access.clientId, scopes: access.scopes))
    }
}
