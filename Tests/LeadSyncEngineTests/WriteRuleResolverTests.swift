import Testing

@testable import LeadSyncEngine

/// The conflict table of product.md, row by row.
@Suite struct WriteRuleResolverTests {
    @Test(arguments: [WriteRuleResolver.HubSpotValue.unknown, .known(nil), .known(""), .known("Acme")])
    func overwriteAlwaysSends(_ hubSpot: WriteRuleResolver.HubSpotValue) {
        #expect(WriteRuleResolver.decide(rule: .overwrite, localIsNull: false, hubSpot: hubSpot) == .send)
        #expect(WriteRuleResolver.decide(rule: .overwrite, localIsNull: true, hubSpot: hubSpot) == .send)
    }

    @Test func ifEmptySendsOnlyWhereHubSpotIsEmpty() {
        #expect(WriteRuleResolver.decide(rule: .ifEmpty, localIsNull: false, hubSpot: .known(nil)) == .send)
        #expect(WriteRuleResolver.decide(rule: .ifEmpty, localIsNull: false, hubSpot: .known("")) == .send)
        #expect(
            WriteRuleResolver.decide(rule: .ifEmpty, localIsNull: false, hubSpot: .known("Acme"))
                == .skip(hubSpotValue: "Acme"))
    }

    @Test func ifEmptyNeedsHubSpotsValueFromThisCycle() {
        #expect(WriteRuleResolver.decide(rule: .ifEmpty, localIsNull: false, hubSpot: .unknown) == .needsHubSpotValue)
    }

    @Test(arguments: [WriteRuleResolver.HubSpotValue.unknown, .known(nil), .known("Acme")])
    func ifEmptyNeverSendsANull(_ hubSpot: WriteRuleResolver.HubSpotValue) {
        #expect(
            WriteRuleResolver.decide(rule: .ifEmpty, localIsNull: true, hubSpot: hubSpot) == .skip(hubSpotValue: nil))
    }
}
