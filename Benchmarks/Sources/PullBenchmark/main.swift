// Pull at scale: a full pull of N contacts, then M HubSpot-side edits and an incremental pull,
// against the simulator with HubSpot's default limits (190 requests/10 s, search 5/s) on the real
// clock. Prints each pull's time beside the floor the limits allow (measured in the same run
// from the requests actually sent), the counts `pull --json` would print, the requests and 429s
// per endpoint, and whether every lead equals its contact for every mapped field.
// Usage: PullBenchmark [contacts] [modified] (default 30,000 and 12,000).

import Foundation
import HubSpotAPI
import HubSpotSimulator
import LeadSyncEngine
import LeadSyncHTTP
import LeadSyncJournal
import LeadSyncSupport

let contacts = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 30_000
let modified = CommandLine.arguments.dropFirst(2).first.flatMap(Int.init) ?? 12_000
let token = "pat-na1-pull-bench"
let mapped = ["email", "firstname", "lastname", "phone", "company", "jobtitle", "website"]

func person(_ n: Int) -> [String: String] {
    [
        "email": "person\(n)@example.com", "firstname": "First\(n)", "lastname": "Last\(n % 1_013)",
        "company": "Company \(n % 997)", "phone": "+1 555 \(n % 10_000)", "jobtitle": "Engineer",
    ]
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func format(_ value: Double) -> String { String(format: "%.1f", value) }

let simulator = HubSpotSimulator()
simulator.registerToken(token)
_ = try simulator.start()
let ids = simulator.seedContacts((1...contacts).map(person))
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pull-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
let journal = try Journal(path: directory.appendingPathComponent("journal.db").path)
let client = HubSpotClient(
    baseURL: simulator.baseURL, transport: CurlTransport(), authorizer: StaticTokenAuthorizer(token: Secret(token)))
let importer = PullImporter(journal: journal, client: client)

/// The floor of a pull that sent `list` list requests and `search` searches, from the limits
/// alone: under a rolling window of 190 per 10 s, request k cannot go before ⌊k / 190⌋ × 10 s;
/// searches go at most 5 per second.
func floorSeconds(list: Int, search: Int) -> Double {
    Double(max(0, list - 1) / 190) * 10 + Double(max(0, search - 1)) / 5
}

func run(_ name: String, full: Bool) async throws -> PullCounts {
    let before = simulator.counters()
    let start = ContinuousClock.now
    let counts = try await importer.run(full: full)
    let elapsed = seconds(since: start)
    let after = simulator.counters()
    func delta(_ endpoint: String, status: Int? = nil) -> Int {
        guard let status else { return after.count(endpoint) - before.count(endpoint) }
        return after.count(endpoint, status: status) - before.count(endpoint, status: status)
    }
    let list = delta("contacts.list")
    let search = delta("contacts.search")
    let floor = floorSeconds(list: list, search: search)
    let ratio = format(elapsed / max(floor, 0.1))
    print("\(name): \(format(elapsed)) s (floor from the limits \(format(floor)) s, ratio \(ratio))")
    print("  pull --json: \(counts.json)")
    print(
        "  requests: list \(list) (429: \(delta("contacts.list", status: 429))), "
            + "search \(search) (429: \(delta("contacts.search", status: 429)))")
    return counts
}

print("PullBenchmark: \(contacts) contacts, \(modified) modified, simulator limits 190/10 s and search 5/s")
let full = try await run("full pull", full: false)
for (n, id) in ids.prefix(modified).enumerated() {
    _ = simulator.editContact(
        id: id, properties: ["firstname": "Edited\(n)", "company": n % 3 == 0 ? "" : "Moved \(n)"])
}
let incremental = try await run("incremental pull", full: false)

let snapshots = try await journal.leads.leadSnapshots(leads: [], remoteIDs: ids)
let byContact = Dictionary(snapshots.map { ($0.remoteID!, $0) }, uniquingKeysWith: { a, _ in a })
let mappings = try await journal.configuration.mappings()
var differing = 0
for contact in simulator.contacts() {
    let fields = byContact[contact.id]?.fields ?? [:]
    for mapping in mappings
    where (fields[mapping.field]?.wireString ?? "") != (contact.properties[mapping.property] ?? "") {
        differing += 1
    }
}
print("leads linked: \(snapshots.count) of \(contacts); mapped values differing from HubSpot: \(differing)")
let exact = full == PullCounts(created: contacts) && incremental == PullCounts(updated: modified)
print("counts exact: \(exact)")
simulator.stop()
if differing > 0 || !exact || snapshots.count != contacts { exit(1) }
