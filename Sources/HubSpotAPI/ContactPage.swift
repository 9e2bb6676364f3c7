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

struct WirePage: Decodable {
    struct Paging: Decodable {
        struct Next: Decodable { var after: String? }
        var next: Next?
    }
    var results: [Contact]
    var paging: Paging?
    var total: Int?
}
