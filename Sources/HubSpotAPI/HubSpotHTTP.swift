import Foundation
import LeadSyncHTTP
import Logging

/// What both HubSpot clients share: the base URL, the API generation, the transport, and how a
/// response becomes a value or a ``HubSpotError``. Logs carry the operation's name, never its URL
/// (v1 OAuth paths contain tokens) nor its headers.
struct HubSpotHTTP: Sendable {
    let baseURL: String
    let version: HubSpotAPIVersion
    let transport: any HTTPTransport
    let logger: Logger

    init(baseURL: String, version: HubSpotAPIVersion, transport: any HTTPTransport, logger: Logger) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.version = version
        self.transport = transport
        self.logger = logger
    }

    func request(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: Data? = nil,
        form: [(String, String)]? = nil
    ) -> HTTPRequest {
        var url = baseURL + path
        if !query.isEmpty { url += "?" + Self.formEncode(query) }
        var headers = HTTPHeaders()
        headers.add(name: "Accept", value: "application/json")
        var body = json
        if json != nil { headers.add(name: "Content-Type", value: "application/json") }
        if let form {
            headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            body = Data(Self.formEncode(form).utf8)
        }
        return HTTPRequest(method: method, url: url, headers: headers, body: body)
    }

    /// Sends and returns the response when it is a 2xx; throws ``HubSpotError`` otherwise and
    /// ``TransportError`` when there was no response.
    func send(_ request: HTTPRequest, operation: String) async throws -> HTTPResponse {
        let response = try await transport.send(request)
        logger.trace(
            "hubspot response",
            metadata: [
                "hubspot.operation": "\(operation)", "http.status": "\(response.status)",
                "http.duration_ms":
                    "\(response.metrics.total.components.seconds * 1000 + response.metrics.total.components.attoseconds / 1_000_000_000_000_000)",
                "hubspot.correlation_id": "\(response.headers["X-HubSpot-Correlation-Id"] ?? "-")",
            ])
        guard response.isSuccess else {
            let error = HubSpotError(response: response)
            logger.debug(
                "hubspot error",
                metadata: [
                    "hubspot.operation": "\(operation)", "hubspot.error": "\(error.code)",
                    "http.status": "\(response.status)",
                ])
            throw error
        }
        return response
    }

    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, operation: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch {
            throw HubSpotError(
                status: response.status, message: "\(operation): unreadable response body (\(error))",
                correlationId: response.headers["X-HubSpot-Correlation-Id"], classification: .retryLater(after: nil))
        }
    }

    func wrap<T>(_ value: T, _ response: HTTPResponse) -> HubSpotResponse<T> {
        HubSpotResponse(
            value: value, status: response.status, rateLimit: RateLimitInfo(headers: response.headers),
            correlationId: response.headers["X-HubSpot-Correlation-Id"], metrics: response.metrics)
    }

    /// `application/x-www-form-urlencoded`, also used for query strings.
    static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(percentEncode($0.0))=\(percentEncode($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (an `@` in a path email too).
    static func percentEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}
