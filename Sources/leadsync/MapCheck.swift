import ArgumentParser
import Foundation
import HubSpotAPI
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport

/// `leadsync map check`: every mapping against HubSpot's contact properties; exit 0 when every
/// mapping is valid (whatever values HubSpot would refuse), 1 when a mapping has a problem, 3 not
/// connected.
struct MapCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract:
            "Validate the mappings against HubSpot; list unmapped and unseen fields and values HubSpot would refuse.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func run() async throws {
        let logger = try global.logger("leadsync.map-check")
        let report: MapCheckService.Report
        do {
            report = try await global.withWorkspace { workspace in
                let access = try await global.hubspotAccess(
                    workspace: workspace, transport: CurlTransport(), logger: logger)
                return try await MapCheckService(journal: workspace.stores, client: access.client).check()
            }
        } catch  where error.requiresReconnection {
            throw CommandError(.notConnected, global.refusedAccessMessage())
        } catch let error as HubSpotError {
            throw CommandError(.failure, "could not read HubSpot's contact properties: \(error)")
        } catch let error as TransportError {
            throw CommandError(.failure, "could not reach HubSpot: \(error)")
        }
        if json {
            Output.json(
                .object([
                    (
                        "mappings",
                        .array(
                            report.verdicts.map { verdict in
                                .object([
                                    ("field", .string(verdict.mapping.field)),
                                    ("property", .string(verdict.mapping.property)),
                                    ("write", .string(verdict.mapping.write.rawValue)), ("ok", .bool(verdict.ok)),
                                    ("problem", verdict.problem.map { .string($0) } ?? .null),
                                ])
                            })
                    ),
                    ("unmapped_fields", .array(report.unmappedFields.map { .string($0) })),
                    ("unseen_fields", .array(report.unseenFields.map { .string($0) })),
                    (
                        "invalid_values",
                        .array(
                            report.invalidValues.map { invalid in
                                .object([
                                    ("field", .string(invalid.field)), ("lead", .string(invalid.lead)),
                                    ("value", .string(invalid.value)), ("problem", .string(invalid.problem)),
                                ])
                            })
                    ),
                ]))
        } else {
            for verdict in report.verdicts {
                Output.data("\(verdict.mapping.field) → \(verdict.mapping.property): \(verdict.problem ?? "ok")")
            }
            if !report.unmappedFields.isEmpty {
                Output.data("unmapped fields: \(report.unmappedFields.joined(separator: ", "))")
            }
            if !report.unseenFields.isEmpty {
                Output.data("mapped fields no lead has carried yet: \(report.unseenFields.joined(separator: ", "))")
            }
            for invalid in report.invalidValues {
                Output.data(
                    "lead \(invalid.lead) \(invalid.field) \(JSONValue.string(invalid.value).text): \(invalid.problem)")
            }
        }
        if report.invalidValueCount > 0 {
            let listed =
                report.invalidValueCount > report.invalidValues.count
                ? " (the first \(report.invalidValues.count) listed)" : ""
            Output.note(
                "\(report.invalidValueCount) current values HubSpot would refuse\(listed): each is rejected on its own at sync; the mappings are not at fault"
            )
        }
        if !report.allValid { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
