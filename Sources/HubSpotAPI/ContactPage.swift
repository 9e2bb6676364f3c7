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
    init(json: JSONValue) throws {
        self.init(
            results: try json.elements(of: "results", Contact.init(json:)),
            nextAfter: json["paging"]?["next"]?["after"]?.scalarText,
            total: json["total"]?.scalarText.flatMap { Int($0) })
    }
}

/// The `paging` of a page read with `JSONDecoder` (the associations API).
struct WirePaging: Decodable {
    struct Next: Decodable { var after: String? }
    var next: Next?
}
