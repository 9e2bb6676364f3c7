import LeadSyncSupport

/// One page of a list or search.
package struct ContactPage: Sendable {
    package var results: [Contact]
    /// The cursor of the next page; nil on the last page.
    package var nextAfter: String?
    /// Search only: how many contacts match in all.
    package var total: Int?

    package init(results: [Contact], nextAfter: String?, total: Int? = nil) {
        self.results = results
        self.nextAfter = nextAfter
        self.total = total
    }
}

extension ContactPage {
    /// `{"results":[…],"paging":{"next":{"after":…}},"total"?:…}` of a list or search.
    init(reading json: inout JSONParser) throws {
        var results: [Contact] = []
        var nextAfter: String?
        var total: Int?
        try JSONParser.readObject(&json, "a page") { key, json in
            switch key {
            case "results": results = try JSONParser.readArray(&json, "`results`") { try Contact(reading: &$0) }
            case "paging": nextAfter = try json.readValue()["next"]?["after"]?.scalarText
            case "total": total = try json.readValue().scalarText.flatMap { Int($0) }
            default: _ = try json.readValue()
            }
        }
        self.init(results: results, nextAfter: nextAfter, total: total)
    }
}

/// The `paging` of a page read with `JSONDecoder` (the associations API).
struct WirePaging: Decodable {
    struct Next: Decodable { var after: String? }
    var next: Next?
}
