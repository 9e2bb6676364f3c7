import Foundation
import LeadSync

/// An edge kiosk in miniature, as an app embeds leadsync: it records visitors' details and a
/// chat message each while the sync drains them into HubSpot in the background, reacts to the
/// delivery events, and shuts the sync down gracefully once every visitor reached HubSpot (or
/// on SIGTERM / SIGINT).
///
/// Credentials are those `leadsync connect --db <journal>` stored beside the journal.
///
/// ```sh
/// leadsync --db kiosk.db connect --hubspot-url http://127.0.0.1:8080 --token - < token.txt
/// leadsync-edge-example kiosk.db http://127.0.0.1:8080 20
/// ```
@main
struct EdgeApp {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count == 3, let visitors = Int(arguments[2]), visitors > 0 else {
            FileHandle.standardError.write(Data("usage: leadsync-edge-example JOURNAL HUBSPOT_URL VISITORS\n".utf8))
            exit(2)
        }
        var configuration = LeadJournal.Configuration()
        configuration.hubSpotURL = arguments[1]
        configuration.pollInterval = .milliseconds(100)
        let leads = try LeadJournal(path: arguments[0], credentials: .stored, configuration: configuration)
        let logger = Logger(label: "edge-example")

        let sync = leads.syncService(logger: logger)
        let events = sync.events
        let group = ServiceGroup(services: [sync], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await withThrowingDiscardingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            // The kiosk: a visitor every few milliseconds, recorded while the sync runs.
            tasks.addTask {
                for index in 0..<visitors {
                    let lead = "K-\(index)"
                    try await leads.record(
                        lead: lead, fields: ["email": "visitor\(index)@example.com", "first_name": "Visitor \(index)"])
                    try await leads.record(
                        message: "Hello from the kiosk", id: "m1", from: "visitor", conversation: "\(lead)-chat",
                        lead: lead)
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            // The app's reaction to deliveries: done once every visitor is in HubSpot.
            tasks.addTask {
                var delivered = Set<String>()
                var rejected = 0
                for await event in events {
                    switch event {
                    case .delivered(let lead, _):
                        delivered.insert(lead)
                    case .rejected(let lead, let field, let category, _):
                        rejected += 1
                        print("rejected \(lead) \(field): \(category)")
                    case .paused(let pause):
                        print("paused: \(pause)")
                    case .resumed:
                        print("resumed")
                    case .caughtUp:
                        if delivered.count == visitors { await group.triggerGracefulShutdown() }
                    }
                }
                print("delivered \(delivered.count) visitors, \(rejected) values rejected")
                let status = try await leads.status()
                print("pending leads \(status.pendingLeads)")
            }
        }
    }
}
