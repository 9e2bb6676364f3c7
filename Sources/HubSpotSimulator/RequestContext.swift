import LeadSyncHTTPServer

/// The parts of a request an endpoint handler reads.
struct RequestContext {
    var request: HTTPServerRequest
    var body: JSONValue
    var now: Int64
    var correlation: String

    /// Comma-separated or repeated query values (`properties=a,b&properties=c`).
    func list(_ name: String) -> [String]? {
        let values = request.queryItems.filter { $0.name == name }.flatMap {
            $0.value.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        }
        return values.isEmpty ? nil : values
    }

    func flag(_ name: String) -> Bool { request.queryValue(name)?.lowercased() == "true" }
}
