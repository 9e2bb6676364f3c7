import LeadSyncEngine
import Testing

@Suite struct PullContactTests {
    @Test func emptyAndNullPropertiesAreBothEmpty() throws {
        let contact = try PulledContact(
            id: "512",
            properties: [
                "email": "ada@example.com", "firstname": "", "lastname": nil,
                "lastmodifieddate": "2024-04-23T11:52:03.723Z",
            ])
        #expect(contact.properties == ["email": "ada@example.com", "lastmodifieddate": "2024-04-23T11:52:03.723Z"])
        #expect(contact.lastModified == 1_713_873_123_723)
    }

    @Test func modificationTimeFallsBackToUpdatedAt() throws {
        let contact = try PulledContact(id: "7", properties: ["email": nil], updatedAt: "2024-04-23T11:52:03.723Z")
        #expect(contact.lastModified == 1_713_873_123_723)
        #expect(throws: PullError.self) { try PulledContact(id: "7", properties: [:]) }
        #expect(throws: PullError.self) { try PulledContact(id: "x7", properties: ["lastmodifieddate": "1"]) }
    }

    @Test func identityEmailsArePrimaryThenSecondaryTrimmedLowercasedWithoutRepeats() throws {
        let contact = try PulledContact(
            id: "9",
            properties: [
                "lastmodifieddate": "1", "email": " Ada@Example.COM ",
                "hs_additional_emails": "ada@work.example; ;ADA@example.com;  lovelace@example.org ",
            ])
        #expect(contact.identityEmails == ["ada@example.com", "ada@work.example", "lovelace@example.org"])
        let none = try PulledContact(id: "10", properties: ["lastmodifieddate": "1"])
        #expect(none.identityEmails.isEmpty)
    }
}
