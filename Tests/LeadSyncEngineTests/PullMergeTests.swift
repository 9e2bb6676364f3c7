import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport
import Testing

@Suite struct PullMergeTests {
    private let mappings = ["email": "email", "firstname": "first_name", "company": "company", "budget": "budget"]

    private func contact(_ properties: [String: String?]) throws -> PulledContact {
        try PulledContact(id: "512", properties: properties.merging(["lastmodifieddate": "1000"]) { a, _ in a })
    }

    @Test func aNewLeadTakesEveryNonEmptyValueAndAllBaseValues() throws {
        let merge = PullMerge(
            contact: try contact(["email": "ada@example.com", "firstname": "Ada", "company": nil, "phone": "1"]),
            link: .created(lead: "hubspot-512"), fieldsByProperty: mappings)
        #expect(merge.outcome == .created)
        #expect(merge.lead == "hubspot-512")
        #expect(merge.linksContact)
        #expect(merge.changes == ["email": .string("ada@example.com"), "first_name": .string("Ada")])
        #expect(
            merge.baseValues == [
                "email": "ada@example.com", "firstname": "Ada", "company": "", "budget": "",
                "lastmodifieddate": "1970-01-01T00:00:01.000Z",
            ])
        #expect(merge.lastModified == 1000)
        #expect(
            merge.update
                == PulledUpdate(
                    lead: "hubspot-512", remoteID: "512", atMilliseconds: 1000, changes: merge.changes,
                    baseValues: merge.baseValues))
    }

    /// product.md's table: a field without a pending local value takes HubSpot's; a field with one
    /// keeps it pending (its write rule decides at push time); the base value is HubSpot's either way.
    @Test func conflictTablePerField() throws {
        let lead = LeadSnapshot(
            lead: "L-1", remoteID: "512",
            fields: ["first_name": .string("Ada"), "company": .string("Old Co"), "budget": .number("10")],
            pendingFields: ["company"])
        let merge = PullMerge(
            contact: try contact(["firstname": "Augusta", "company": "HubSpot Co", "budget": "10"]),
            link: .linked(lead), fieldsByProperty: mappings)
        #expect(merge.changes == ["first_name": .string("Augusta")])
        #expect(merge.baseValues["company"] == "HubSpot Co")
        #expect(merge.outcome == .updated)
        #expect(!merge.linksContact)
    }

    @Test func anEmptiedHubSpotValueClearsTheLocalOne() throws {
        let lead = LeadSnapshot(lead: "L-1", remoteID: "512", fields: ["company": .string("Acme")], pendingFields: [])
        let merge = PullMerge(contact: try contact(["email": nil]), link: .linked(lead), fieldsByProperty: mappings)
        #expect(merge.changes == ["company": .null])
    }

    @Test func equalValuesJournalNothing() throws {
        let lead = LeadSnapshot(
            lead: "L-1", remoteID: "512",
            fields: ["email": .string(" Ada@Example.com"), "budget": .number("5000.50"), "company": .null],
            pendingFields: [])
        let merge = PullMerge(
            contact: try contact(["email": "ada@example.com", "budget": "5000.5", "company": ""]),
            link: .linked(lead), fieldsByProperty: mappings)
        #expect(merge.changes.isEmpty)
        #expect(merge.outcome == .unchanged)
    }

    @Test func aLeadMatchedByEmailCountsAsLinkedEvenWithoutNewValues() throws {
        let lead = LeadSnapshot(
            lead: "L-7", remoteID: nil, fields: ["email": .string("ada@example.com")], pendingFields: [])
        let merge = PullMerge(
            contact: try contact(["email": "ada@example.com"]), link: .matched(lead), fieldsByProperty: mappings)
        #expect(merge.outcome == .linked)
        #expect(merge.linksContact)
        #expect(merge.changes.isEmpty)
    }

    @Test(arguments: [
        ("5000", "5000.00", true), ("0.10", "0.1", true), ("-0", "0", true), ("007", "7", true),
        ("1e3", "1000", false), ("5000", "5001", false), ("12a", "12a", true), (".5", "0.5", false),
    ])
    func numbersCompareByValueOnlyAsPlainDecimals(local: String, remote: String, same: Bool) throws {
        let lead = LeadSnapshot(lead: "L-1", remoteID: "512", fields: ["budget": .number(local)], pendingFields: [])
        let merge = PullMerge(contact: try contact(["budget": remote]), link: .linked(lead), fieldsByProperty: mappings)
        #expect(merge.changes.isEmpty == same)
    }

    @Test func countsTallyOutcomesAndPrintTheContractsJSON() {
        var counts = PullCounts()
        for outcome in [PullMerge.Outcome.created, .created, .linked, .updated, .unchanged, .unchanged, .unchanged] {
            counts.count(outcome)
        }
        #expect(counts == PullCounts(created: 2, linked: 1, updated: 1, unchanged: 3))
        #expect(counts.total == 7)
        #expect(counts.json == #"{"created": 2, "linked": 1, "updated": 1, "unchanged": 3}"#)
    }
}
