package import Foundation

/// One HTTP request as the transport sends it.
///
/// The body is sent as given (no compression); the transport always asks for gzip responses and
/// decodes them, so callers never see `Content-Encoding`.
package struct HTTPRequest: Sendable {
    /// The method: `GET`, `POST`, `PATCH`, `PUT` or `DELETE`.
    package var method: HTTPMethod
    /// The absolute URL, `http://` or `https://` only.
    package var url: String
    /// Header fields in the order they are sent. `Authorization` values are never logged.
    package var headers: HTTPHeaders
    /// The body, or nil for none.
    package var body: Data?
    /// Overrides the transport's total timeout for this request.
    package var timeout: Duration?
    /// Sends on a new connection. libcurl silently sends a request again when the reused
    /// connection it went out on died before any answer; a request that is not idempotent (a
    /// note create) must never be sent twice by the transport, so it never rides a reused one.
    package var freshConnection = false

    package init(
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
package struct HTTPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    package let rawValue: String
    package init(rawValue: String) { self.rawValue = rawValue }

    package static let get = HTTPMethod(rawValue: "GET")
    package static let post = HTTPMethod(rawValue: "POST")
    package static let patch = HTTPMethod(rawValue: "PATCH")
    package static let put = HTTPMethod(rawValue: "PUT")
    package static let delete = HTTPMethod(rawValue: "DELETE")

    package var description: String { rawValue }
}
