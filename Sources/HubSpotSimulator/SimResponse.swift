import LeadSyncHTTPServer

/// An answer built under the simulator's lock and serialised after it is released. Handlers
/// that refuse a request early return it as the failure of a `Result`.
struct SimResponse: Error {
    var status: Int
    var json: JSONValue?
    var headers: [(name: String, value: String)] = []
    /// A non-JSON body (HTML error pages, redirects); wins over `json`.
    var raw: (contentType: String, bytes: [UInt8])?
    var disposition: HTTPServerResponse.Disposition = .respond
    var compressible = true

    init(status: Int, json: JSONValue? = nil, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.json = json
        self.headers = headers
    }

    /// HubSpot's error envelope: `status`, `message`, `correlationId`, then `category` and any
    /// `context`/`errors`/`links` given.
    static func error(
        _ status: Int, category: String?, message: String, correlationId: String,
        context: [(String, [String])] = [], errors: [JSONValue] = [], extra: [(String, JSONValue)] = []
    ) -> SimResponse {
        SimResponse(
            status: status,
            json: errorBody(
                category: category, message: message, correlationId: correlationId, context: context, errors: errors,
                extra: extra))
    }

    /// The body of one `StandardError` / error answer.
    static func errorBody(
        category: String?, message: String, correlationId: String? = nil, context: [(String, [String])] = [],
        errors: [JSONValue] = [], extra: [(String, JSONValue)] = []
    ) -> JSONValue {
        // An entry of a batch's `errors[]` (no correlation id) is a StandardError, whose schema
        // requires `context`, `errors` and `links`; the official clients refuse it without them.
        let entry = correlationId == nil
        var members: [(String, JSONValue)] = [("status", "error"), ("message", .string(message))]
        if let correlationId { members.append(("correlationId", .string(correlationId))) }
        if !context.isEmpty || entry { members.append(("context", .object(context.map { ($0.0, .strings($0.1)) }))) }
        if !errors.isEmpty || entry { members.append(("errors", .array(errors))) }
        if let category { members.append(("category", .string(category))) }
        if entry { members.append(("links", .object([]))) }
        members.append(contentsOf: extra)
        return .object(members)
    }

    func httpResponse() -> HTTPServerResponse {
        var headers = self.headers
        var body: [UInt8] = []
        if let raw {
            headers.append(("Content-Type", raw.contentType))
            body = raw.bytes
        } else if let json {
            headers.append(("Content-Type", "application/json;charset=utf-8"))
            body = json.bytes
        }
        var response = HTTPServerResponse(status: status, headers: headers, body: body, disposition: disposition)
        response.compressible = compressible
        return response
    }
}
