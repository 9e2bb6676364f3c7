import LeadSyncSupport

/// One HTTP/1.1 request as the server read it: method, target split into path and query, headers
/// and the whole body (de-chunked).
package struct HTTPServerRequest: Sendable {
    /// The method as sent, e.g. `GET`, `POST`.
    package var method: String
    /// The target's path, still percent-encoded (`/crm/v3/objects/contacts/a%40b.com`).
    package var path: String
    /// The raw query string after `?`, without the `?` (empty when absent).
    package var query: String
    /// Header fields in arrival order; names as sent.
    package var headers: [(name: String, value: String)]
    /// The body bytes (empty when there is none).
    package var body: [UInt8]

    package init(
        method: String, path: String, query: String = "", headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, matched case-insensitively.
    package func header(_ name: String) -> String? {
        headers.first { HTTPFieldName.same($0.name, name) }?.value
    }

    /// Query parameters in order, `+` and percent escapes decoded. A repeated name appears once per
    /// occurrence (`properties=a&properties=b`).
    package var queryItems: [(name: String, value: String)] {
        guard !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (
                    HTTPServerRequest.formDecode(pair[..<eq]),
                    HTTPServerRequest.formDecode(pair[pair.index(after: eq)...])
                )
            }
            return (HTTPServerRequest.formDecode(pair), "")
        }
    }

    /// The first value of a query parameter.
    package func queryValue(_ name: String) -> String? {
        queryItems.first { $0.name == name }?.value
    }

    /// Parses an `application/x-www-form-urlencoded` body into name/value pairs.
    package var formItems: [(name: String, value: String)] {
        HTTPServerRequest(method: method, path: path, query: String(decoding: body, as: UTF8.self)).queryItems
    }

    /// Decodes `+` as space and `%XX` escapes; malformed escapes are kept as written.
    package static func formDecode(_ text: Substring) -> String {
        percentDecode(text, plusAsSpace: true)
    }

    /// Decodes `%XX` escapes (and `+` as space when asked); malformed escapes are kept as written.
    package static func percentDecode(_ text: Substring, plusAsSpace: Bool = false) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.contains(where: { $0 == 0x25 || (plusAsSpace && $0 == 0x2B) }) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let byte = utf8[i]
            if byte == 0x25, i + 2 < utf8.count, let hi = hexValue(utf8[i + 1]), let lo = hexValue(utf8[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(plusAsSpace && byte == 0x2B ? 0x20 : byte)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
