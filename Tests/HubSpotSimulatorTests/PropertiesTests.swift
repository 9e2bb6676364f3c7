import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Properties API")
struct PropertiesTests {
    @Test func listsStandardAndDemoPropertiesWithTypesAndFlags() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        for path in ["/crm/v3/properties/contacts", "/crm/properties/2026-03/contacts"] {
            let answer = try harness.client().json("GET", path, token: harness.token)
            #expect(answer.status == 200)
            let list = answer.json["results"] as? [[String: Any]] ?? []
            let byName = Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0) })
            for name in [
                "email", "firstname", "lastname", "phone", "company", "jobtitle", "website", "lifecyclestage",
                "createdate", "lastmodifieddate", "hs_object_id", "hs_additional_emails", "budget", "meeting_booked",
                "conversation_summary", "next_meeting",
            ] {
                #expect(byName[name] != nil, "missing \(name)")
            }
            #expect(byName["lifecyclestage"]?["type"] as? String == "enumeration")
            #expect(
                (byName["lifecyclestage"]?["options"] as? [[String: Any]])?.contains {
                    $0["value"] as? String == "lead"
                } == true)
            #expect(
                (byName["createdate"]?["modificationMetadata"] as? [String: Any])?["readOnlyValue"] as? Bool == true)
            #expect(byName["createdate"]?["type"] as? String == "datetime")
            #expect(byName["budget"]?["type"] as? String == "number")
            #expect(byName["meeting_booked"]?["type"] as? String == "bool")
            #expect(byName["next_meeting"]?["type"] as? String == "date")
            #expect(byName["conversation_summary"]?["fieldType"] as? String == "textarea")
            #expect(byName["hs_analytics_num_visits"]?["calculated"] as? Bool == true)
        }
    }

    @Test func createsACustomPropertyThatWritesThenAccept() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let client = harness.client()
        let body: [String: Any] = [
            "name": "favourite_colour", "label": "Favourite colour", "type": "enumeration",
            "fieldType": "select", "groupName": "contactinformation",
            "options": [["label": "Red", "value": "red"], ["label": "Blue", "value": "blue"]],
        ]
        let created = try client.json("POST", "/crm/v3/properties/contacts", token: harness.token, body: body)
        #expect(created.status == 201)
        #expect(try client.json("POST", "/crm/v3/properties/contacts", token: harness.token, body: body).status == 409)
        let one = try client.json("GET", "/crm/v3/properties/contacts/favourite_colour", token: harness.token)
        #expect(one.json["label"] as? String == "Favourite colour")
        let write = try client.json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("p@example.com", ["favourite_colour": "blue"])]))
        #expect(write.status == 200)
        let bad = try client.json(
            "POST", "/crm/v3/properties/contacts", token: harness.token,
            body: ["name": "x", "type": "number", "fieldType": "select"])
        #expect(bad.status == 400)
    }
}
