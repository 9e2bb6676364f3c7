/// What a handler answers: a status, headers, a body, and how the connection delivers it.
///
/// The disposition lets a handler misbehave on purpose (fault injection): answer late, reset the
/// connection, or hang and then drop it without answering.
package struct HTTPServerResponse: Sendable {
    /// How the server delivers (or refuses to deliver) this response.
    package enum Disposition: Sendable, Equatable {
        /// Write the response at once.
        case respond
        /// Sleep this many milliseconds on the connection's thread, then write the response.
        case delay(milliseconds: Int)
        /// Close the connection with a TCP reset (`SO_LINGER` 0) instead of answering.
        case reset
        /// Sleep this many milliseconds, then close the connection without answering.
        case hangThenDrop(milliseconds: Int)
    }

    package var status: Int
    /// Header fields to send; `Content-Length`, `Date`-free framing and `Connection` are added by
    /// the server.
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]
    package var disposition: Disposition
    /// Whether the server may gzip the body for a client that accepts it (on by default).
    package var compressible = true
    /// Close the connection after this response, gracefully: the server stops writing, then
    /// reads and drops what the client still sends until it closes (at most 2 s), so the close
    /// never turns into a reset that destroys the answer before the client read it.
    package var closesConnection = false
    /// Called on the connection's thread once the response is written (and, with
    /// `closesConnection`, the connection closed), or once writing it failed: the moment a
    /// process that stops after this answer may stop.
    package var onDelivered: (@Sendable () -> Void)?

    package init(
        status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        disposition: Disposition = .respond
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.disposition = disposition
    }

    /// A response with a UTF-8 text body and the given content type.
    package init(status: Int, contentType: String, text: String, headers: [(name: String, value: String)] = []) {
        self.init(status: status, headers: [("Content-Type", contentType)] + headers, body: Array(text.utf8))
    }

    /// The standard reason phrase for the status line.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 207: "Multi-Status"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 409: "Conflict"
        case 411: "Length Required"
        case 413: "Payload Too Large"
        case 414: "URI Too Long"
        case 423: "Locked"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status \(status)"
        }
    }
}
