import LeadSyncHTTP
import Testing

@Suite struct HTTPHeadersTests {
    @Test func namesMatchWhateverTheirCase() {
        var headers: HTTPHeaders = ["X-HubSpot-RateLimit-Remaining": "99", "Content-Type": "application/json"]
        #expect(headers["x-hubspot-ratelimit-remaining"] == "99")
        #expect(headers["CONTENT-TYPE"] == "application/json")
        headers.replaceOrAdd(name: "content-type", value: "text/plain")
        #expect(headers.count == 2)
        #expect(headers["Content-Type"] == "text/plain")
    }

    @Test func onlyLettersFoldTheirCase() {
        // `[` and `{` differ by the same bit as `A` and `a`; a prefix is not the name.
        let headers: HTTPHeaders = ["X-[a]": "1", "Accept": "2"]
        #expect(headers["x-{a}"] == nil)
        #expect(headers["x-[A]"] == "1")
        #expect(headers["Accep"] == nil)
        #expect(headers["Accepts"] == nil)
    }
}
