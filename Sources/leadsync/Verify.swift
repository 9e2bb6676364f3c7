import ArgumentParser
import Foundation
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport

/// `leadsync verify`: read back the contacts of delivered leads and report every mapped property
/// whose HubSpot value differs from the last value leadsync delivered.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Read back delivered leads' contacts and report properties that differ from what was delivered.",
        discussion: """
            Exit 0 with no differences, 1 with some, or when no request to HubSpot succeeded for \
            --give-up-after (3 when access must be reconnected). By default checks a random sample of 100 leads.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Check this many delivered leads, chosen at random (default 100).") var sample: Int?
    @Flag(help: "Check every delivered lead.") var all = false
    @Option(
        name: .customLong("give-up-after"),
        help: "Exit 1 when no request has succeeded for this long (e.g. 90s, 5m, 1h).")
    var giveUpAfter: DurationText = DurationText(seconds: 300)
    @Flag(help: "Print one JSON document on stdout.") var json = false

    func validate() throws {
        if all, sample != nil { throw ValidationError("give --sample or --all, not both") }
        if let sample, sample <= 0 { throw ValidationError("--sample must be positive") }
    }

    func run() async throws {
        let report = try await global.withWorkspace { workspace in
            let access = try await global.hubspotAccess(
                workspace: workspace, transport: CurlTransport(), logger: try global.logger("leadsync.verify"))
            let verifier = Verifier(
                journal: workspace.stores, gateway: HubSpotGateway(client: access.client),
                properties: Set(try await workspace.configuration.mappings().map(\.property)),
                pacer: try await global.pacerConfiguration(journal: workspace.stores),
                giveUpAfter: .milliseconds(Int64(giveUpAfter.seconds * 1000)))
            return try await verifier.run(sample: all ? nil : (sample ?? 100))
        }
        if json {
            Output.json(
                .object([
                    ("error", .optional(report.stoppedBy?.description)),
                    ("checked", .integer(Int64(report.checked))),
                    (
                        "differences",
                        .array(
                            report.differences.map { difference in
                                .object([
                                    ("lead", .string(difference.lead)),
                                    ("hubspot_id", .string(difference.hubSpotID)),
                                    ("property", .string(difference.property)),
                                    ("expected", .string(difference.expected)),
                                    ("actual", .optional(difference.actual)),
                                ])
                            })
                    ),
                ]))
        } else {
            for difference in report.differences {
                let actual = difference.actual.map(\.debugDescription) ?? "nothing"
                Output.data(
                    "\(difference.lead) (contact \(difference.hubSpotID)) \(difference.property): expected "
                        + "\(difference.expected.debugDescription), HubSpot has \(actual)")
            }
            Output.note("checked \(report.checked) leads, \(report.differences.count) differences")
        }
        if let failure = report.stoppedBy {
            if case .reconnectionRequired(let message) = failure {
                throw CommandError(.notConnected, global.refusedAccessMessage(message))
            }
            throw CommandError(.failure, "verify stopped after \(report.checked) leads: \(failure)")
        }
        if !report.differences.isEmpty { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
