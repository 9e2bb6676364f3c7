public import Foundation

/// One HTTP request as the transport sends it.
///
/// The body is sent as given (no compression); the transport always asks for gzip responses and
/// decodes them, so callers never see `Content-Encoding`.
public struct HTTPRequest: Sendable {
    /// The method: `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    public var method: HTTPMethod
    /// The absolute URL, `http://` or `https://` only.
    public var url: String
    /// Header fields in the order they are sent. `Authorization` values are never logged.
    public var headers: HTTPHeaders
    /// The body, or nil for none.
    public var body: Data?
    /// Overrides the transport's total timeout for this request.
    public var timeout: Duration?
    /// Sends on a new connection. libcurl silently sends a request again when the reused
    /// connection it went out on died before any answer; a request that is not idempotent (a
    /// note create) must never be sent twice by the transport, so it never rides a reused one.
    public var freshConnection = false

    public init(
        method: HTTPMethod, url: String, headers: HTTPHeaders = HTTPHeaders(), body: Data? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// An HTTP method.
public struct HTTPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let delete = HTTPMethod(rawValue: "DELETE")

    public var description: String { rawValue }
}
