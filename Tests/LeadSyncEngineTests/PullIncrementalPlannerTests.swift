import HubSpotAPI
import LeadSyncEngine
import LeadSyncSupport
import Testing

/// Runs `IncrementalPullPlanner` against an in-memory model of HubSpot's search (filters of one
/// group, one ascending sort, first page only), as the importer does against the real one.
@Suite struct PullIncrementalPlannerTests {
    /// Evaluates a planned query the way HubSpot's search does: every filter must hold, results
    /// sorted ascending by the sort property (ties in an order the test chooses, since HubSpot does
    /// not promise one), first `limit` results.
    private func search(
        _ query: ContactSearch, in index: [PulledContact], tieOrder: (PulledContact, PulledContact) -> Bool
    ) -> [PulledContact] {
        #expect(query.filterGroups.count == 1 && query.sorts.count == 1 && query.after == nil)
        let sortProperty = query.sorts[0].propertyName
        func key(_ c: PulledContact, _ property: String) -> Int64 {
            property == PulledContact.idProperty ? Int64(c.id)! : c.lastModified
        }
        let matching = index.filter { contact in
            query.filterGroups[0].allSatisfy { filter in
                guard
                    filter.propertyName == PulledContact.idProperty
                        || filter.propertyName == PulledContact.lastModifiedProperty
                else { return true }
                let value = key(contact, filter.propertyName)
                let operand = Int64(filter.value!)!
                switch filter.operator {
                case "EQ": return value == operand
                case "GT": return value > operand
                case "GTE": return value >= operand
                case "LTE": return value <= operand
                default:
                    Issue.record("unexpected operator \(filter.operator)")
                    return false
                }
            }
        }
        let sorted = matching.sorted { a, b in
            let (ka, kb) = (key(a, sortProperty), key(b, sortProperty))
            return ka != kb ? ka < kb : tieOrder(a, b)
        }
        return Array(sorted.prefix(query.limit))
    }

    /// A fixed order unrelated to ids, standing in for HubSpot's unspecified order among ties.
    private static func scrambled(_ contact: PulledContact) -> UInt64 { UInt64(contact.id)! &* 0x9E37_79B9_7F4A_7C15 }

    private func contact(_ id: Int, at ms: Int64) throws -> PulledContact {
        try PulledContact(id: String(id), properties: ["lastmodifieddate": Timestamp.format(epochMilliseconds: ms)])
    }

    /// Drives a planner to the end; returns every contact it handed out and the queries it sent.
    private func drain(
        _ planner: inout IncrementalPullPlanner, index: () -> [PulledContact],
        tieOrder: (PulledContact, PulledContact) -> Bool = { Self.scrambled($0) < Self.scrambled($1) },
        afterEachPage: (Int) -> Void = { _ in }
    ) throws -> (read: [PulledContact], queries: [ContactSearch]) {
        var read: [PulledContact] = []
        var queries: [ContactSearch] = []
        while let query = planner.nextQuery {
            queries.append(query)
            #expect(queries.count < 10_000, "planner does not terminate")
            if queries.count >= 10_000 { break }
            read += try planner.accept(search(query, in: index(), tieOrder: tieOrder))
            afterEachPage(queries.count)
        }
        return (read, queries)
    }

    @Test func changesWithCrowdedTimestampsAreReadOnceEach() throws {
        var random = SplitMix64(seed: 6)
        let start: Int64 = 1_790_000_000_000
        // Bulk edits: up to 120 contacts share one millisecond, more than a page of 50.
        var index: [PulledContact] = []
        var at = start
        while index.count < 2_000 {
            let crowd = Int(random.next() % 120) + 1
            for _ in 0..<min(crowd, 2_000 - index.count) { index.append(try contact(index.count + 1, at: at)) }
            at += Int64(random.next() % 3) + 1
        }
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.pageSize = 50
        var planner = IncrementalPullPlanner(cursor: start, upperBound: at, configuration: configuration)
        let (read, queries) = try drain(&planner, index: { index })

        #expect(read.count == 2_000)
        #expect(Set(read.map(\.id)).count == 2_000)
        #expect(planner.isFinished)
        // Everything before the cursor was read; it passes the last timestamp only when a tie-break
        // at that timestamp proved all of its contacts read.
        let latest = try #require(index.map(\.lastModified).max())
        #expect(planner.cursor == latest || planner.cursor == latest + 1)
        #expect(queries.allSatisfy { $0.limit == 50 && $0.filterGroups[0].count <= 6 })
        #expect(queries.contains { $0.sorts[0].propertyName == PulledContact.idProperty }, "tie-break never exercised")
        // Re-reads at window boundaries cost pages, but boundedly.
        #expect(queries.count < 2_000 / 50 * 3)
    }

    @Test func distinctTimestampsCostOnePagePer199Contacts() throws {
        let index = try (1...2_000).map { try contact($0, at: 1_000_000 + Int64($0)) }
        var planner = IncrementalPullPlanner(cursor: 1_000_000, upperBound: 2_000_000)
        let (read, queries) = try drain(&planner, index: { index })
        #expect(read.map(\.id) == index.map(\.id))
        #expect(queries.count == 11)  // 10 full pages re-reading one contact each, then the tail
    }

    @Test func startsOverlapBeforeTheCursorAndNeverMovesItBack() throws {
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.overlapMilliseconds = 60_000
        var planner = IncrementalPullPlanner(cursor: 500_000, upperBound: 900_000, configuration: configuration)
        let query = try #require(planner.nextQuery)
        #expect(
            query.filterGroups[0].first
                == ContactSearch.Filter(propertyName: "lastmodifieddate", operator: "GTE", value: "440000"))
        #expect(
            query.filterGroups[0].dropFirst().first
                == ContactSearch.Filter(propertyName: "lastmodifieddate", operator: "LTE", value: "900000"))

        // Only a late-indexed contact from inside the overlap comes back: read, cursor kept.
        let late = try contact(7, at: 470_000)
        #expect(try planner.accept([late]) == [late])
        #expect(planner.isFinished)
        #expect(planner.cursor == 500_000)
    }

    @Test func cursorOnlyCoversWhatFullPagesProve() throws {
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.pageSize = 3
        configuration.overlapMilliseconds = 0
        var planner = IncrementalPullPlanner(cursor: 100, upperBound: 1_000, configuration: configuration)
        _ = try planner.accept([try contact(1, at: 100), try contact(2, at: 150), try contact(3, at: 170)])
        // Contacts at 170 beyond this page may exist: only "before 170" is proven read.
        #expect(planner.cursor == 170)
        #expect(
            planner.nextQuery?.filterGroups[0].first
                == ContactSearch.Filter(propertyName: "lastmodifieddate", operator: "GTE", value: "170"))
        // The next window starts at 170 again; contact 3 is not handed out twice.
        let fresh = try planner.accept([try contact(3, at: 170), try contact(4, at: 170)])
        #expect(fresh.map(\.id) == ["4"])
        #expect(planner.isFinished)
        #expect(planner.cursor == 170)
    }

    @Test func tieBreakPagesByRecordIdThenResumesAfterTheTimestamp() throws {
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.pageSize = 2
        configuration.overlapMilliseconds = 0
        var planner = IncrementalPullPlanner(cursor: 10, upperBound: 99, configuration: configuration)
        _ = try planner.accept([try contact(9, at: 10), try contact(4, at: 10)])
        var query = try #require(planner.nextQuery)
        #expect(query.sorts[0].propertyName == "hs_object_id")
        #expect(
            query.filterGroups[0] == [
                ContactSearch.Filter(propertyName: "lastmodifieddate", operator: "EQ", value: "10")
            ])

        let fresh = try planner.accept([try contact(4, at: 10), try contact(5, at: 10)])
        #expect(fresh.map(\.id) == ["5"])
        query = try #require(planner.nextQuery)
        #expect(
            query.filterGroups[0].last == ContactSearch.Filter(propertyName: "hs_object_id", operator: "GT", value: "5")
        )

        #expect(try planner.accept([try contact(9, at: 10)]).isEmpty)
        #expect(planner.cursor == 11)
        query = try #require(planner.nextQuery)
        #expect(query.sorts[0].propertyName == "lastmodifieddate")
        #expect(
            query.filterGroups[0].first
                == ContactSearch.Filter(propertyName: "lastmodifieddate", operator: "GT", value: "10"))
    }

    @Test func aContactEditedDuringThePullLeavesNoGap() throws {
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.pageSize = 50
        var index = try (1...1_000).map { try contact($0, at: 10_000 + Int64($0)) }
        var planner = IncrementalPullPlanner(cursor: 10_000, upperBound: 20_000, configuration: configuration)
        // After each page, someone edits a contact not yet read and one already read: both move
        // past the pull's upper bound (they are the next pull's), shrinking the result set.
        let (read, _) = try drain(
            &planner, index: { index },
            afterEachPage: { page in
                for id in [page * 50 + 25, page * 50 - 25] where id >= 1 && id <= 1_000 {
                    index[id - 1] = try! contact(id, at: 30_000 + Int64(page))
                }
            })
        let movedAway = Set(index.filter { $0.lastModified >= 30_000 }.map(\.id))
        let expected = Set((1...1_000).map(String.init)).subtracting(movedAway)
        #expect(expected.isSubset(of: Set(read.map(\.id))))
        #expect(read.count == Set(read.map(\.id)).count)
    }

    @Test func ruleFiltersNarrowTheSearchWithinHubSpotsFilterLimit() throws {
        let rules = (1...6).map { ContactSearch.Filter(propertyName: "p\($0)", operator: "HAS_PROPERTY") }
        var planner = IncrementalPullPlanner(cursor: 0, upperBound: 10, ruleFilters: rules)
        #expect(planner.nextQuery?.filterGroups[0].count == 6)
        #expect(planner.nextQuery?.filterGroups[0].suffix(4) == rules.prefix(4))
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.pageSize = 1
        planner = IncrementalPullPlanner(cursor: 0, upperBound: 10, ruleFilters: rules, configuration: configuration)
        _ = try planner.accept([try contact(1, at: -299_000)])
        _ = try planner.accept([try contact(1, at: -299_000)])
        #expect(planner.nextQuery?.sorts[0].propertyName == "hs_object_id")
        #expect(planner.nextQuery?.filterGroups[0].count == 5)
        _ = try planner.accept([try contact(1, at: -299_000)])
        #expect(planner.nextQuery?.filterGroups[0].count == 6)
    }

    @Test func aPageOutOfOrderIsRefused() throws {
        var configuration = IncrementalPullPlanner.Configuration()
        configuration.overlapMilliseconds = 0
        var planner = IncrementalPullPlanner(cursor: 100, upperBound: 1_000, configuration: configuration)
        #expect(throws: PullError.self) {
            _ = try planner.accept([try contact(1, at: 300), try contact(2, at: 200)])
        }
        #expect(throws: PullError.self) { _ = try planner.accept([try contact(3, at: 50)]) }
    }
}
