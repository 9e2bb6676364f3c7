import LeadSyncJournal
import LeadSyncSupport
import LeadSyncWorkload
import Testing

@Suite struct LeadSetGeneratorTests {
    @Test func sameSeedSameChangesOtherSeedOtherChanges() {
        let spec = WorkloadSpec(leads: 100, changes: 1_000, seed: 5)
        let a = Array(LeadSetGenerator(spec))
        #expect(a == Array(LeadSetGenerator(spec)))
        #expect(a != Array(LeadSetGenerator(WorkloadSpec(leads: 100, changes: 1_000, seed: 6))))
        #expect(a.count == 1_000)
    }

    @Test func everyLeadIsCreatedFirstAndUpdatesAreSkewed() {
        let spec = WorkloadSpec(leads: 200, changes: 5_000, seed: 1)
        let changes = Array(LeadSetGenerator(spec))
        #expect(changes.prefix(200).map(\.lead) == (0..<200).map(LeadSetGenerator.leadID))
        var perLead: [String: Int] = [:]
        for change in changes.dropFirst(200) { perLead[change.lead, default: 0] += 1 }
        let first = (0..<20).map { perLead[LeadSetGenerator.leadID($0)] ?? 0 }.reduce(0, +)
        let last = (180..<200).map { perLead[LeadSetGenerator.leadID($0)] ?? 0 }.reduce(0, +)
        #expect(first > 2 * last, "skew 2 puts more updates on the first leads")
    }

    @Test func noEmailShareIsRoughlyHonouredAndIdentityIsStable() {
        var spec = WorkloadSpec(leads: 2_000, changes: 2_000, seed: 3)
        spec.noEmailShare = 0.25
        let withoutEmail = LeadSetGenerator(spec).filter { change in !change.fields.contains { $0.name == "email" } }
            .count
        #expect((400...600).contains(withoutEmail))
        let again = Array(LeadSetGenerator(spec))
        #expect(again[17].fields == Array(LeadSetGenerator(spec))[17].fields)
    }

    @Test func ndjsonLinesParseBackToTheSameChange() throws {
        var spec = WorkloadSpec(leads: 50, changes: 300, seed: 11)
        spec.invalidShare = 0.2
        for change in LeadSetGenerator(spec) {
            let parsed = try #require(
                try ChangeLineParser.parse(Array(change.ndjsonLine.utf8), defaultAt: 0).get().change
            ).decoded()
            #expect(parsed.lead == change.lead && parsed.atMilliseconds == change.atMilliseconds)
            #expect(parsed.fields == change.fieldDictionary)
        }
    }
}
