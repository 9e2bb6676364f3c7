import HubSpotAPI
import LeadSyncEngine
import Testing

@Suite struct PullFilterTests {
    @Test(arguments: [
        ("eq", ["lead"], PullFilter.Condition.equals("lead")),
        ("in", ["lead", "customer"], .oneOf(["lead", "customer"])),
        ("has_value", [], .hasValue),
        ("not_set", [], .notSet),
        ("after", ["2026-01-01"], .after(text: "2026-01-01", epochMilliseconds: 1_767_225_600_000)),
    ])
    func parsesEachOperatorAndRoundTrips(op: String, values: [String], condition: PullFilter.Condition) throws {
        let filter = try PullFilter(property: "lifecyclestage", op: op, values: values)
        #expect(filter.condition == condition)
        #expect(filter.op == op)
        #expect(filter.values == values)
    }

    @Test(arguments: [
        ("eq", [String]()), ("eq", ["a", "b"]), ("in", []), ("has_value", ["x"]), ("not_set", ["x"]),
        ("after", ["yesterday"]), ("after", ["2026-02-30"]), ("like", ["x"]),
    ])
    func refusesMalformedRulesNamingTheProperty(op: String, values: [String]) {
        #expect {
            try PullFilter(property: "budget", op: op, values: values)
        } throws: { error in
            (error as? PullError)?.code == .invalidRule && "\(error)".contains("\"budget\"")
        }
    }

    @Test func equalityIgnoresCaseAndSurroundingSpaceLikeHubSpotSearchOnText() throws {
        let eq = try PullFilter(property: "company", op: "eq", values: ["Acme"])
        #expect(eq.admits(" acme "))
        #expect(!eq.admits("Acme Corp"))
        #expect(!eq.admits(nil))
        let oneOf = try PullFilter(property: "lifecyclestage", op: "in", values: ["lead", "customer"])
        #expect(oneOf.admits("Customer"))
        #expect(!oneOf.admits("subscriber"))
        #expect(!oneOf.admits(""))
    }

    @Test func presenceTreatsEmptyAsNotSet() throws {
        let has = try PullFilter(property: "phone", op: "has_value", values: [])
        let not = try PullFilter(property: "phone", op: "not_set", values: [])
        for (value, present) in [(nil, false), ("", false), ("+1 555", true)] as [(String?, Bool)] {
            #expect(has.admits(value) == present)
            #expect(not.admits(value) == !present)
        }
    }

    @Test func afterIsStrictAndReadsDatesDatetimesAndEpochMilliseconds() throws {
        let after = try PullFilter(property: "next_meeting", op: "after", values: ["2026-01-01"])
        #expect(!after.admits("2026-01-01"))  // a date property holds midnight UTC: not after it
        #expect(after.admits("2026-01-02"))
        #expect(after.admits("2026-01-01T00:00:00.001Z"))
        #expect(!after.admits("2025-12-31T23:00:00-01:00"))  // that is midnight UTC
        #expect(after.admits("1767225600001"))
        #expect(!after.admits("soon"))
        #expect(!after.admits(nil))
    }

    @Test func aContactComesInWhenItMatchesEveryRuleAndNoRulesMeansAll() throws {
        let contact = try PulledContact(
            id: "1", properties: ["lastmodifieddate": "2026-11-01T00:00:00Z", "lifecyclestage": "lead", "phone": nil])
        #expect(PullFilter.admit(contact, []))
        let stage = try PullFilter(property: "lifecyclestage", op: "eq", values: ["lead"])
        let phone = try PullFilter(property: "phone", op: "has_value", values: [])
        #expect(PullFilter.admit(contact, [stage]))
        #expect(!PullFilter.admit(contact, [stage, phone]))
    }

    @Test func onlyConditionsSearchEvaluatesIdenticallyAreSentToSearch() throws {
        #expect(try PullFilter(property: "p", op: "eq", values: ["x"]).searchFilter == nil)
        #expect(try PullFilter(property: "p", op: "in", values: ["x"]).searchFilter == nil)
        #expect(
            try PullFilter(property: "p", op: "has_value", values: []).searchFilter
                == ContactSearch.Filter(propertyName: "p", operator: "HAS_PROPERTY"))
        #expect(
            try PullFilter(property: "p", op: "not_set", values: []).searchFilter
                == ContactSearch.Filter(propertyName: "p", operator: "NOT_HAS_PROPERTY"))
        #expect(
            try PullFilter(property: "p", op: "after", values: ["2026-01-01T00:00:00Z"]).searchFilter
                == ContactSearch.Filter(propertyName: "p", operator: "GT", value: "1767225600000"))
    }
}
