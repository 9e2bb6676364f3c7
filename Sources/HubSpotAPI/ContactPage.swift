/// One page of a list or search.
public struct ContactPage: Sendable {
    public var results: [Contact]
    /// The cursor of the next page; nil on the last page.
    public var nextAfter: String?
    /// Search only: how many contacts match in all.
    public var total: Int?

    public init(results: [Contact], nextAfter: String?, total: Int? = nil) {
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
