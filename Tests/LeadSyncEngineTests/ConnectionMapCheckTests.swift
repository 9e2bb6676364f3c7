import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport
import LeadSyncTestKit
import Testing

extension SimulatorHarness {
    /// A HubSpot client on this simulator with its static token.
    func contactsClient() -> HubSpotClient {
        HubSpotClient(
            baseURL: baseURL, transport: CurlTransport(), authorizer: StaticTokenAuthorizer(token: Secret(token)))
    }
}

@Suite("map check against hubspot-sim", .hangGuard)
struct ConnectionMapCheckTests {
    @Test func defaultMappingsAreValidAndProblemsAreNamed() async throws {
        let (harness, directory) = (try SimulatorHarness(), try TemporaryDirectory())
        let (journal, client) = (try Journal(path: directory.path("leadsync.db")), harness.contactsClient())

        let clean = try await MapCheckService(journal: journal, client: client).check()
        #expect(clean.allValid, "\(clean.verdicts.filter { !$0.ok })")

        _ = try await journal.configuration.setMapping(Mapping(field: "budget", property: "no_such_property"))
        _ = try await journal.configuration.setMapping(Mapping(field: "created", property: "createdate"))
        _ = try await journal.changeLog.record(
            lead: "L-1", fields: ["email": .string("a@example.com"), "shoe_size": .number("42")])
        _ = try await journal.changeLog.fold()
        let report = try await MapCheckService(journal: journal, client: client).check()
        #expect(!report.allValid)
        #expect(
            report.verdicts.first { $0.mapping.field == "budget" }?.problem?.contains("no contact property") == true)
        #expect(report.verdicts.first { $0.mapping.field == "created" }?.problem?.contains("read-only") == true)
        #expect(report.unmappedFields == ["shoe_size"])
    }

    @Test func pendingValuesAreCheckedAgainstTypeAndOptions() async throws {
        let (harness, directory) = (try SimulatorHarness(), try TemporaryDirectory())
        let (journal, client) = (try Journal(path: directory.path("leadsync.db")), harness.contactsClient())
        _ = try await client.createContactProperty(
            name: "budget_band", label: "Budget band", type: "enumeration", fieldType: "select",
            options: [.init(label: "Small", value: "small"), .init(label: "Large", value: "large")])
        _ = try await client.createContactProperty(name: "seats", label: "Seats", type: "number", fieldType: "number")
        _ = try await journal.configuration.setMapping(Mapping(field: "budget", property: "budget_band"))
        _ = try await journal.configuration.setMapping(Mapping(field: "seats", property: "seats"))
        _ = try await journal.changeLog.record(
            lead: "L-1",
            fields: ["email": .string("a@example.com"), "budget": .string("small"), "seats": .number("12")])
        _ = try await journal.changeLog.record(
            lead: "L-2",
            fields: ["email": .string("b@example.com"), "budget": .string("Huge"), "seats": .string("many")])
        _ = try await journal.changeLog.fold()
        let report = try await MapCheckService(journal: journal, client: client).check()
        // Values HubSpot would refuse are listed apart; they do not make their mappings wrong.
        #expect(report.allValid, "\(report.verdicts.filter { !$0.ok })")
        #expect(
            report.invalidValues.sorted { $0.field < $1.field } == [
                .init(
                    field: "budget", lead: "L-2", value: "Huge",
                    problem: "\"Huge\" is not one of the options (small, large) for \"budget_band\" (enumeration)"),
                .init(
                    field: "seats", lead: "L-2", value: "many",
                    problem: "\"many\" is not a number for \"seats\" (number)"),
            ])
        #expect(report.invalidValueCount == 2)
    }

    @Test func invalidValuesAreListedUpToAHundredAndCounted() async throws {
        let (harness, directory) = (try SimulatorHarness(), try TemporaryDirectory())
        let (journal, client) = (try Journal(path: directory.path("leadsync.db")), harness.contactsClient())
        _ = try await client.createContactProperty(name: "seats", label: "Seats", type: "number", fieldType: "number")
        _ = try await journal.configuration.setMapping(Mapping(field: "seats", property: "seats"))
        _ = try await journal.changeLog.record(
            (1...150).map {
                LeadChange(
                    lead: "L-\($0)", fields: ["email": .string("l\($0)@example.com"), "seats": .string("many")],
                    atMilliseconds: 1)
            })
        _ = try await journal.changeLog.fold()
        let report = try await MapCheckService(journal: journal, client: client).check()
        #expect(report.allValid)
        #expect(report.invalidValues.count == MapCheckService.maxInvalidValues)
        #expect(report.invalidValueCount == 150)
    }

    @Test func mappedFieldsNoChangeCarriedAreUnseen() async throws {
        let (harness, directory) = (try SimulatorHarness(), try TemporaryDirectory())
        let (journal, client) = (try Journal(path: directory.path("leadsync.db")), harness.contactsClient())
        _ = try await journal.changeLog.record(
            lead: "L-1", fields: ["email": .string("a@example.com"), "first_name": .string("Ada")])
        _ = try await journal.changeLog.fold()
        _ = try await journal.configuration.setMapping(Mapping(field: "frist_name", property: "firstname"))
        let report = try await MapCheckService(journal: journal, client: client).check()
        #expect(report.unseenFields.contains("frist_name"))
        #expect(!report.unseenFields.contains("email"))
        #expect(report.unmappedFields == ["first_name"])
    }
}
