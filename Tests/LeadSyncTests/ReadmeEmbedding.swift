// The README's Embedding example, compiled here so it cannot drift: ReadmeTests checks that
// README.md holds the text between the two markers verbatim.
// README embedding begin
import LeadSync

func runKiosk(logger: Logger) async throws {
    // The credentials `leadsync connect --db /var/lib/kiosk/leads.db` stored beside the journal
    // (or .token(privateAppToken), or .tokenProvider { try await vault.hubSpotToken() }).
    let leads = try LeadJournal(path: "/var/lib/kiosk/leads.db", credentials: .stored)

    // Durable when it returns; numbers keep their decimal text (.number("12.50")).
    try await leads.record(lead: "L-1042", fields: ["email": "ada@example.com", "first_name": "Ada", "seats": 40])
    // The conversation becomes one HubSpot note on the lead's contact, rewritten as it grows.
    try await leads.record(
        message: "What does Pro cost?", id: "m1", from: "visitor", conversation: "C-77", lead: "L-1042")

    // In the background: drain into HubSpot and follow new changes until SIGTERM.
    let sync = leads.syncService(logger: logger)
    let events = sync.events  // subscribed now: nothing is missed
    let group = ServiceGroup(services: [sync], gracefulShutdownSignals: [.sigterm], logger: logger)
    try await withThrowingDiscardingTaskGroup { tasks in
        tasks.addTask { try await group.run() }
        tasks.addTask {
            for await event in events {  // ends when the sync does
                switch event {
                case .delivered(let lead, let fields): print("\(lead): \(fields) in HubSpot")
                case .rejected(let lead, let field, let category, _): print("\(lead).\(field) refused: \(category)")
                case .paused(let reason): print("paused: \(reason)")  // reconnection, or the daily limit
                case .resumed, .caughtUp: break
                }
            }
        }
    }

    let status = try await leads.status()  // pending, awaiting an email, rejected, skipped, last error
    let lead = try await leads.lead("L-1042")  // values, each field's delivery, the contact id
    print(status.pendingLeads, lead?.remoteID ?? "not in HubSpot yet")
}
// README embedding end
