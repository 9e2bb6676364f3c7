import HubSpotAPI
import Testing

@testable import LeadSyncEngine

@Suite struct ValueComparisonTests {
    func same(_ sent: String, _ stored: String?, _ type: String, name: String = "p", multiple: Bool = false) -> Bool {
        ValueComparison.same(
            sent: sent, stored: stored,
            definition: PropertyDefinition(name: name, type: type, fieldType: multiple ? "checkbox" : "text"))
    }

    @Test func allowsForHowHubSpotStoresWhatItReceived() {
        #expect(same("1430438400000", "2015-05-01", "date"))
        #expect(same("2026-11-28T10:15:00Z", "2026-11-28T10:15:00.000Z", "datetime"))
        #expect(same("1795860900000", "2026-11-28T10:15:00.000Z", "datetime"))
        #expect(same("0.10", "0.1", "number"))
        #expect(same("a;b", "b;a", "enumeration", multiple: true))
        #expect(same("Ada@Example.com", "ada@example.com", "string", name: "email"))
        #expect(same("", nil, "string"))
    }

    @Test func reportsRealDifferences() {
        #expect(!same("Ada", "Grace", "string"))
        #expect(!same("Ada", nil, "string"))
        #expect(!same("", "Ada", "string"))
        #expect(!same("1", "2", "number"))
        #expect(!same("2015-05-01", "2015-05-02", "date"))
        #expect(!same("ada", "ADA", "string"))
    }
}
