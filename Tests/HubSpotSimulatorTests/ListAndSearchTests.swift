import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("List and search")
struct ListAndSearchTests {
    @Test func listPagesInIdOrderAndEndsWithoutPaging() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let ids = harness.simulator.seedContacts((0..<25).map { ["email": "l\($0)@example.com"] })
        let client = harness.client()
        var seen: [String] = []
        var after: String?
        var pages = 0
        repeat {
            let query = "?limit=10&properties=email" + (after.map { "&after=\($0)" } ?? "")
            let page = try client.json("GET", ContactInputs.contacts + query, token: harness.token)
            #expect(page.status == 200)
            seen += ContactInputs.results(page.json).compactMap { $0["id"] as? String }
            after = ((page.json["paging"] as? [String: Any])?["next"] as? [String: Any])?["after"] as? String
            pages += 1
        } while after != nil
        #expect(seen == ids)
        #expect(pages == 3)
        let clamped = try client.json("GET", ContactInputs.contacts + "?limit=500", token: harness.token)
        #expect(ContactInputs.results(clamped.json).count == 25)
    }

    private func search(_ harness: SimulatorHarness, _ body: [String: Any]) throws -> LoopbackHTTPClient.Response {
        try harness.client().json("POST", ContactInputs.contacts + "/search", token: harness.token, body: body)
    }

    @Test func filtersSortsAndOffsetPaging() throws {
        let harness = try SimulatorHarness { $0.searchPerSecond = nil }
        defer { harness.stop() }
        harness.simulator.seedContacts(
            (0..<30).map {
                [
                    "email": "s\($0)@example.com", "budget": String($0 * 10),
                    "lifecyclestage": $0 % 2 == 0 ? "lead" : "customer",
                ]
            })
        let body: [String: Any] = [
            "filterGroups": [
                [
                    "filters": [
                        ["propertyName": "budget", "operator": "GTE", "value": "100"],
                        ["propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"],
                    ]
                ]
            ],
            "sorts": [["propertyName": "budget", "direction": "DESCENDING"]],
            "properties": ["budget", "email"], "limit": 5,
        ]
        let first = try search(harness, body)
        #expect(first.status == 200)
        #expect(first.json["total"] as? Int == 10)
        #expect(
            ContactInputs.results(first.json).compactMap { ContactInputs.properties($0)["budget"] } == [
                "280", "260", "240", "220", "200",
            ])
        let next = ((first.json["paging"] as? [String: Any])?["next"] as? [String: Any])?["after"] as? String
        #expect(next == "5")
        var second = body
        second["after"] = next
        let last = try search(harness, second)
        #expect(ContactInputs.results(last.json).count == 5)
        #expect(last.json["paging"] == nil)
        #expect(first.header("X-HubSpot-RateLimit-Max") == nil)

        let enumCase = try search(
            harness,
            ["filterGroups": [["filters": [["propertyName": "lifecyclestage", "operator": "EQ", "value": "LEAD"]]]]])
        #expect(enumCase.json["total"] as? Int == 0)
        let orGroups = try search(
            harness,
            [
                "filterGroups": [
                    ["filters": [["propertyName": "email", "operator": "EQ", "value": "S1@EXAMPLE.COM"]]],
                    [
                        "filters": [
                            [
                                "propertyName": "email", "operator": "IN",
                                "values": ["s2@example.com", "s3@example.com"],
                            ]
                        ]
                    ],
                ]
            ])
        #expect(orGroups.json["total"] as? Int == 3)
        let defaults = ContactInputs.properties(ContactInputs.results(orGroups.json)[0])
        #expect(Set(defaults.keys) == ["createdate", "email", "hs_object_id", "lastmodifieddate"])
    }

    @Test func lastModifiedCursorAndHasProperty() throws {
        let harness = try SimulatorHarness { $0.searchPerSecond = nil }
        defer { harness.stop() }
        harness.simulator.seedContacts([["email": "old@example.com"]])
        let cut = Int64(harness.clock.now.timeIntervalSince1970 * 1000) + 1000
        harness.clock.advance(milliseconds: 2000)
        harness.simulator.seedContacts([["email": "new@example.com", "phone": "+1 555"]])
        let recent = try search(
            harness,
            [
                "filterGroups": [
                    [
                        "filters": [
                            ["propertyName": "lastmodifieddate", "operator": "GTE", "value": String(cut)],
                            ["propertyName": "phone", "operator": "HAS_PROPERTY"],
                        ]
                    ]
                ]
            ])
        #expect(
            ContactInputs.results(recent.json).compactMap { ContactInputs.properties($0)["email"] } == [
                "new@example.com"
            ])
    }

    @Test func limitsOfSearch() throws {
        let harness = try SimulatorHarness { $0.searchPerSecond = nil }
        defer { harness.stop() }
        #expect(try search(harness, ["limit": 201]).status == 400)
        #expect(try search(harness, ["limit": 100, "after": "9901"]).status == 400)
        #expect(try search(harness, ["limit": 10, "after": "10000"]).status == 400)
        #expect(try search(harness, ["limit": 100, "after": "9900"]).status == 200)
        let groups = (0..<6).map { _ in ["filters": [["propertyName": "email", "operator": "HAS_PROPERTY"]]] }
        let tooMany = try search(harness, ["filterGroups": groups])
        #expect(tooMany.status == 400)
        #expect(tooMany.json["category"] as? String == "VALIDATION_ERROR")
        let filters = (0..<7).map { _ in ["propertyName": "email", "operator": "HAS_PROPERTY"] }
        #expect(try search(harness, ["filterGroups": [["filters": filters]]]).status == 400)
    }

    @Test func searchHasItsOwnPerSecondLimit() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        for _ in 0..<5 { #expect(try search(harness, [:]).status == 200) }
        let limited = try search(harness, [:])
        #expect(limited.status == 429)
        #expect(limited.json["message"] as? String == "You have reached your secondly limit.")
        #expect(limited.json["errorType"] as? String == "RATE_LIMIT")
        #expect(limited.header("X-HubSpot-RateLimit-Remaining") == nil)
        harness.clock.advance(milliseconds: 1001)
        #expect(try search(harness, [:]).status == 200)
        #expect(harness.simulator.counters().rateLimited == 1)
    }

    @Test func indexLagHidesFreshWritesFromSearchOnly() throws {
        let harness = try SimulatorHarness {
            $0.searchIndexLagMilliseconds = 3000
            $0.searchPerSecond = nil
        }
        defer { harness.stop() }
        let client = harness.client()
        _ = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("lag@example.com")]))
        #expect(try search(harness, [:]).json["total"] as? Int == 0)
        let read = try client.json(
            "POST", ContactInputs.contacts + "/batch/read", token: harness.token,
            body: ["idProperty": "email", "inputs": [["id": "lag@example.com"]]])
        #expect(read.status == 200)
        harness.clock.advance(milliseconds: 3000)
        #expect(try search(harness, [:]).json["total"] as? Int == 1)
    }
}
