import HubSpotSimulator
import LeadSyncTestKit
import Testing

@Suite("Property validation")
struct ValidationTests {
    /// Upserts one value with a trace id and returns the `errors[0].errors[0]` item (nil if accepted).
    private func problem(_ name: String, _ value: String, in harness: SimulatorHarness) throws -> [String: Any]? {
        let answer = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("v@example.com", [name: value], trace: "t")]))
        guard answer.status == 207 else { return nil }
        let error = ContactInputs.errors(answer.json)[0]
        #expect(error["category"] as? String == "VALIDATION_ERROR")
        #expect((error["message"] as? String)?.hasPrefix("Property values were not valid: [{") == true)
        return (error["errors"] as? [[String: Any]])?.first
    }

    @Test(arguments: [
        ("nosuch", "x", "PROPERTY_DOESNT_EXIST"),
        ("createdate", "2024-01-01", "READ_ONLY_VALUE"),
        ("hs_object_id", "5", "READ_ONLY_VALUE"),
        ("lifecyclestage", "Lead", "INVALID_OPTION"),
        ("budget", "1,000", "INVALID_INTEGER"),
        ("budget", "1.2.3", "INVALID_INTEGER"),
        ("next_meeting", "1635535865000", "INVALID_DATE"),
        ("next_meeting", "not a date", "INVALID_DATE"),
        ("last_contacted_at", "yesterday", "INVALID_DATETIME"),
        ("meeting_booked", "yes", "INVALID_BOOLEAN"),
        ("hs_additional_emails", "not-an-email", "INVALID_EMAIL"),
    ])
    func refusedValues(name: String, value: String, code: String) throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let item = try #require(try problem(name, value, in: harness))
        #expect(item["code"] as? String == code)
        #expect((item["context"] as? [String: [String]])?["propertyName"] == [name])
    }

    @Test(arguments: [
        ("lifecyclestage", "lead"), ("budget", "-12.75"), ("next_meeting", "2015-05-01"),
        ("next_meeting", "1430438400000"),
        ("last_contacted_at", "2026-03-10T23:04:41.164Z"), ("last_contacted_at", "1727740800000"),
        ("meeting_booked", "false"),
    ])
    func acceptedValues(name: String, value: String) throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        #expect(try problem(name, value, in: harness) == nil)
    }

    @Test func dateNotAtMidnightNamesTheTime() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let item = try #require(try problem("next_meeting", "1635535865865", in: harness))
        #expect(item["message"] as? String == "1635535865865 is at 19:31:05.865 UTC, not midnight!")
    }

    @Test func datesAndDatetimesAreStoredNormalised() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        _ = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([
                ContactInputs.upsert("d@example.com", ["next_meeting": "1430438400000", "last_contacted_at": "0"])
            ]))
        let contact = try #require(harness.simulator.contact(email: "d@example.com"))
        #expect(contact.properties["next_meeting"] == "2015-05-01")
        #expect(contact.properties["last_contacted_at"] == "1970-01-01T00:00:00.000Z")
    }

    @Test func invalidEmailIdAndTooLongStringAreRefused() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        let bad = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([ContactInputs.upsert("not an email", [:])]))
        #expect(bad.status == 400)
        #expect((bad.json["errors"] as? [[String: Any]])?.first?["code"] as? String == "INVALID_EMAIL")
        let long = String(repeating: "x", count: 65_537)
        let item = try #require(try problem("conversation_summary", long, in: harness))
        #expect(item["code"] as? String == "INVALID_STRING_LENGTH")
        #expect(try problem("conversation_summary", String(repeating: "x", count: 65_536), in: harness) == nil)
    }

    @Test func lifecycleStageForwardOnlyWhenConfigured() throws {
        let harness = try SimulatorHarness { $0.lifecycleStageForwardOnly = true }
        defer { harness.stop() }
        harness.simulator.seedContacts([["email": "v@example.com", "lifecyclestage": "customer"]])
        #expect(try problem("lifecyclestage", "lead", in: harness)?["code"] as? String == "INVALID_LIFECYCLE_STAGE")
        #expect(try problem("lifecyclestage", "evangelist", in: harness) == nil)
    }

    @Test func secondaryEmailsAreUniqueAcrossContacts() throws {
        let harness = try SimulatorHarness()
        defer { harness.stop() }
        harness.simulator.seedContacts([["email": "owner@example.com"]])
        let answer = try harness.client().json(
            "POST", ContactInputs.contacts + "/batch/upsert", token: harness.token,
            body: ContactInputs.batch([
                ContactInputs.upsert("v@example.com", ["hs_additional_emails": "owner@example.com"], trace: "t")
            ]))
        #expect(answer.status == 207)
        #expect(ContactInputs.errors(answer.json)[0]["category"] as? String == "CONFLICT")
    }
}
