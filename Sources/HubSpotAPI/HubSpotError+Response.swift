import Foundation
import LeadSyncHTTP

extension HubSpotError {
    /// Reads an error response: HubSpot's error envelope, a 429 body, an OAuth error body, or
    /// anything else (an HTML page from the edge), and classifies it.
    init(response: HTTPResponse) {
        let wire = try? JSONDecoder().decode(WireError.self, from: response.body)
        let retryAfter = response.headers["Retry-After"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .map { Duration.seconds($0) }
        let message = wire?.message ?? wire?.errorDescription ?? Self.plainMessage(response)
        self.init(
            wire: wire ?? WireError(), status: response.status, message: message,
            correlationId: wire?.correlationId ?? response.headers["X-HubSpot-Correlation-Id"], retryAfter: retryAfter,
            rateLimit: RateLimitInfo(headers: response.headers))
    }

    /// One entry of a 207's `errors[]`: always about the inputs it names.
    init(batchEntry wire: WireError, status: Int, correlationId: String?) {
        self.init(
            wire: wire, status: status, message: wire.message ?? "unknown error", correlationId: correlationId,
            retryAfter: nil, rateLimit: nil)
        classification = .permanentForRecords
    }

    private init(
        wire: WireError, status: Int, message: String, correlationId: String?, retryAfter: Duration?,
        rateLimit: RateLimitInfo?
    ) {
        let context = wire.context ?? [:]
        var details = (wire.errors ?? []).map {
            Detail(message: $0.message ?? "", code: $0.code, propertyName: $0.context?["propertyName"]?.values.first)
        }
        if details.isEmpty { details = Self.propertyValueDetails(in: message) }
        var propertyNames = context["propertyName"]?.values ?? []
        for name in details.compactMap(\.propertyName) where !propertyNames.contains(name) {
            propertyNames.append(name)
        }
        // HubSpot's own `status` (`BAD_HUB`, `BAD_REFRESH_TOKEN`) is more precise than the RFC 6749 `error`.
        let oauthError = (wire.status == "error" ? nil : wire.status) ?? wire.error
        self.init(
            status: status, category: wire.category ?? wire.errorType, subCategory: wire.subCategory, message: message,
            correlationId: correlationId, traceIds: context["objectWriteTraceId"]?.values ?? [],
            ids: (context["ids"]?.values ?? []) + (context["id"]?.values ?? []), propertyNames: propertyNames,
            policyName: wire.policyName, oauthError: oauthError, existingId: Self.existingId(in: message),
            retryAfter: retryAfter, details: details, rateLimit: rateLimit, classification: .permanentForRequest)
        let scopes = (wire.errors ?? []).flatMap { $0.context?["requiredGranularScopes"]?.values ?? [] }
        classification = Self.classify(self, missingScopes: scopes)
    }

    private static func classify(_ error: HubSpotError, missingScopes: [String]) -> Classification {
        switch error.oauthError {
        case "invalid_grant", "BAD_REFRESH_TOKEN", "BAD_HUB", "access_denied": return .needsReconnect
        case "invalid_client", "unauthorized_client", "BAD_CLIENT_ID", "BAD_CLIENT_SECRET", "BAD_REDIRECT_URI":
            return .badConfiguration
        default: break
        }
        switch error.status {
        case 429:
            let policy =
                error.policyName
                ?? (error.message.lowercased().contains("secondly limit") ? "SECONDLY" : "TEN_SECONDLY_ROLLING")
            let window: Duration? =
                switch policy {
                case "DAILY": nil
                case "SECONDLY": .seconds(1)
                default: .seconds(10)
                }
            return .rateLimited(policy: policy, window: error.retryAfter ?? window)
        case 401: return error.category == "EXPIRED_AUTHENTICATION" ? .needsTokenRefresh : .needsReconnect
        case 403: return error.category == "MISSING_SCOPES" ? .missingScopes(missingScopes) : .permanentForRequest
        case 404, 409: return .permanentForRecords
        case 423: return .retryLater(after: error.retryAfter ?? .seconds(2))
        case 525, 526: return .permanentForRequest
        case 408, 477, 500...599: return .retryLater(after: error.retryAfter)
        case 400 where error.category == "VALIDATION_ERROR" && !error.propertyNames.isEmpty: return .permanentForRecords
        default: return .permanentForRequest
        }
    }

    /// HubSpot puts the existing contact's id only in the text: "Contact already exists. Existing ID: 512".
    private static func existingId(in message: String) -> String? {
        guard let range = message.range(of: "Existing ID: ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }

    /// "Property values were not valid: [{…,"error":"INVALID_OPTION","name":"budget"}]" carries a
    /// JSON array inside the message: one detail per item; none for any other message.
    package static func propertyValueDetails(in message: String) -> [Detail] {
        guard let range = message.range(of: "Property values were not valid: "),
            let items = try? JSONDecoder().decode(
                [WirePropertyValueError].self, from: Data(message[range.upperBound...].utf8))
        else { return [] }
        return items.map { Detail(message: $0.message ?? "", code: $0.error, propertyName: $0.name) }
    }

    private static func plainMessage(_ response: HTTPResponse) -> String {
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
        let isHTML = text.lowercased().contains("<html")
        return isHTML || text.isEmpty ? "HTTP \(response.status) without a HubSpot error body" : text
    }
}

/// HubSpot's error body; every field optional, as HubSpot's docs tell clients to treat them.
struct WireError: Decodable {
    var status: String?
    var category: String?
    var subCategory: String?
    var message: String?
    var correlationId: String?
    var context: [String: LenientStrings]?
    var errors: [WireErrorDetail]?
    var policyName: String?
    var errorType: String?
    var error: String?
    var errorDescription: String?

    enum CodingKeys: String, CodingKey {
        case status, category, subCategory, message, correlationId, context, errors, policyName, errorType, error
        case errorDescription = "error_description"
    }
}

struct WireErrorDetail: Decodable {
    var message: String?
    var code: String?
    var context: [String: LenientStrings]?
}

struct WirePropertyValueError: Decodable {
    var message: String?
    var error: String?
    var name: String?
}

/// A `context` value: HubSpot sends lists of strings; a lone string or anything else must not
/// make the whole error unreadable.
struct LenientStrings: Decodable {
    var values: [String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let list = try? container.decode([String].self) {
            values = list
        } else if let single = try? container.decode(String.self) {
            values = [single]
        } else {
            values = []
        }
    }
}
