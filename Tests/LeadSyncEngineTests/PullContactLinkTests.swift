import LeadSyncEngine
import LeadSyncJournal
import Testing

@Suite struct PullContactLinkTests {
    private let contact: PulledContact
    init() throws {
        contact = try PulledContact(
            id: "512",
            properties: [
                "lastmodifieddate": "1", "email": "Ada@Example.com", "hs_additional_emails": "ada@work.example",
            ])
    }

    private func lead(_ id: String, remote: String? = nil) -> LeadSnapshot {
        LeadSnapshot(lead: id, remoteID: remote, fields: [:], pendingFields: [])
    }

    private func link(
        linked: [String: LeadSnapshot] = [:], byEmail: [String: [LeadSnapshot]] = [:],
        leads: [String: LeadSnapshot] = [:]
    ) -> ContactLink {
        ContactLink.find(
            for: contact, leadLinked: { linked[$0] }, leadsWithEmail: { byEmail[$0] ?? [] }, lead: { leads[$0] })
    }

    @Test func theLeadLinkedToTheContactIdComesFirst() {
        let byId = lead("L-1", remote: "512")
        #expect(link(linked: ["512": byId], byEmail: ["ada@example.com": [lead("L-2")]]) == .linked(byId))
    }

    @Test func elsePrimaryEmailThenSecondaryEmails() {
        #expect(
            link(byEmail: ["ada@example.com": [lead("L-2")], "ada@work.example": [lead("L-3")]])
                == .matched(lead("L-2")))
        #expect(link(byEmail: ["ada@work.example": [lead("L-3")]]) == .matched(lead("L-3")))
    }

    @Test func leadsLinkedToAnotherContactAreNotTakenOverAndTheChoiceIsStable() {
        let candidates = [lead("L-9"), lead("L-1", remote: "77"), lead("L-4")]
        #expect(link(byEmail: ["ada@example.com": candidates]) == .matched(lead("L-4")))
        #expect(link(byEmail: ["ada@example.com": [lead("L-1", remote: "77")]]) == .created(lead: "hubspot-512"))
    }

    @Test func aContactIsProcessedOnceItsLinkedLeadRemembersItsModificationTime() throws {
        let seen = LeadSnapshot(
            lead: "L-1", remoteID: "512", baseValues: ["lastmodifieddate": "1970-01-01T00:00:00.001Z"])
        #expect(ContactLink.linked(seen).hasProcessed(contact))
        let older = LeadSnapshot(
            lead: "L-1", remoteID: "512", baseValues: ["lastmodifieddate": "1970-01-01T00:00:00.000Z"])
        #expect(!ContactLink.linked(older).hasProcessed(contact))
        #expect(!ContactLink.linked(lead("L-1", remote: "512")).hasProcessed(contact))
        #expect(!ContactLink.matched(seen).hasProcessed(contact))
    }

    @Test func elseANewLeadNamedForTheContactOrTheOneAlreadySoNamed() {
        #expect(link() == .created(lead: "hubspot-512"))
        let earlier = lead("hubspot-512")
        #expect(link(leads: ["hubspot-512": earlier]) == .matched(earlier))
    }
}
