import Foundation
import HubSpotAPI
package import LeadSyncJournal
package import LeadSyncSupport

/// Reads back the contacts of delivered leads and reports every mapped property whose HubSpot
/// value differs from the last value the journal knows it delivered (`leadsync verify`); and,
/// when the gateway writes notes, every conversation note whose body differs from the one last
/// delivered (compared by digest: a difference names the note, never its text).
///
/// ```swift
/// let report = try await Verifier(journal: journal, gateway: gateway, properties: mapped).run(sample: 100)
/// ```
package struct Verifier: Sendable {
    package let journal: any JournalStores
    package let gateway: any ContactsGateway
    /// The mapped properties: only these are compared.
    package let properties: Set<String>
    package var pacer: Pacer.Configuration
    /// Transient failures are retried with backoff until no request has succeeded for this long
    /// (`--give-up-after`, as for `sync`).
    package var giveUpAfter: Duration
    let clock: any WallClock

    package init(
        journal: any JournalStores, gateway: any ContactsGateway, properties: Set<String>,
        pacer: Pacer.Configuration = Pacer.Configuration(), giveUpAfter: Duration = .seconds(300),
        clock: any WallClock = SystemWallClock()
    ) {
        self.journal = journal
        self.gateway = gateway
        self.properties = properties
        self.pacer = pacer
        self.giveUpAfter = giveUpAfter
        self.clock = clock
    }

    /// Checks `sample` linked leads chosen at random, or every linked lead when nil. A failure
    /// no retry cures, or transient failures for ``giveUpAfter``, end the run with
    /// ``VerifyReport/stoppedBy`` set and what was checked so far.
    package func run(sample: Int?) async throws -> VerifyReport {
        var report = VerifyReport()
        do {
            try await run(sample: sample, into: &report)
        } catch let failure as RequestFailure {
            report.stoppedBy = failure
        }
        return report
    }

    private func run(sample: Int?, into report: inout VerifyReport) async throws {
        var requests = Requests(
            pacer: Pacer(configuration: pacer, now: clock.now), lastSuccess: clock.now,
            random: SplitMix64(seed: UInt64(clock.now.timeIntervalSince1970 * 1000)))
        let definitions = try await answer(&requests) { await gateway.propertyDefinitions() }
        let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        var cursor: Int64 = 0
        while true {
            let leads: [LinkedLead]
            if let sample {
                leads = cursor == 0 ? try await journal.leads.linkedLeadsSample(sample) : []
                cursor = 1
            } else {
                leads = try await journal.leads.linkedLeads(limit: BatchPlanner.maximumInputs, after: cursor)
                cursor = leads.last?.cursor ?? cursor
            }
            if leads.isEmpty {
                try await checkNotes(sample: sample, &report, &requests)
                return
            }
            for chunk in stride(from: 0, to: leads.count, by: BatchPlanner.maximumInputs) {
                let batch = Array(leads[chunk..<min(chunk + BatchPlanner.maximumInputs, leads.count)])
                try await check(batch, byName, &report, &requests)
            }
        }
    }

    private func check(
        _ leads: [LinkedLead], _ definitions: [String: PropertyDefinition], _ report: inout VerifyReport,
        _ requests: inout Requests
    ) async throws {
        let request = OutboundRequest(
            id: 0, kind: .readByID,
            inputs: leads.map { OutboundRequest.Input(key: $0.remoteID, traceID: $0.lead, properties: [:]) },
            readProperties: properties.sorted())
        let response = try await answer(&requests) { await gateway.send(request) }
        for lead in leads {
            report.checked += 1
            let contact = response.contacts[lead.lead]
            for (property, expected) in lead.baseValues.sorted(by: { $0.key < $1.key })
            where properties.contains(property) {
                let actual = contact?.properties[property]
                if !ValueComparison.same(sent: expected, stored: actual, definition: definitions[property]) {
                    report.differences.append(
                        VerifyReport.Difference(
                            lead: lead.lead, hubSpotID: lead.remoteID, property: property, expected: expected,
                            actual: actual))
                }
            }
        }
    }

    /// Reads back the notes of conversations (a random `sample` of them, or all) and compares each
    /// body's digest with the digest of the body last delivered.
    private func checkNotes(sample: Int?, _ report: inout VerifyReport, _ requests: inout Requests) async throws {
        guard let notes = gateway as? any NotesGateway else { return }
        var conversations = try await journal.conversations.conversationsWithNotes()
        if let sample { conversations = Array(conversations.shuffled().prefix(sample)) }
        let delivered = conversations.flatMap { conversation in
            conversation.notes.compactMap { note in
                note.noteId.flatMap { id in note.digest.map { (lead: conversation.lead, noteId: id, digest: $0) } }
            }
        }
        for chunk in stride(from: 0, to: delivered.count, by: BatchPlanner.maximumInputs) {
            let batch = Array(delivered[chunk..<min(chunk + BatchPlanner.maximumInputs, delivered.count)])
            let read = try await answer(&requests) { await notes.readNotes(ids: batch.map(\.noteId)) }
            let bodies = Dictionary(
                read.results.map { ($0.id, $0.properties["hs_note_body"] ?? "") }, uniquingKeysWith: { $1 })
            for note in batch {
                let actual = bodies[note.noteId].map(NoteWork.digest)
                if actual != note.digest {
                    report.differences.append(
                        VerifyReport.Difference(
                            lead: note.lead, hubSpotID: note.noteId, property: "hs_note_body",
                            expected: "digest " + note.digest,
                            actual: actual.map { "digest " + $0 }))
                }
            }
        }
        report.checked += conversations.count
    }

    /// The state of the verification's requests: the pacer, and since when nothing succeeded.
    struct Requests {
        var pacer: Pacer
        var lastSuccess: Date
        var random: SplitMix64
    }

    /// Sends `request` when the pacer allows, retrying rate limits and transient failures (with
    /// backoff) until ``giveUpAfter`` passed without a success, at which point it throws the last
    /// failure (a retry due later is not waited for); any other failure ends the verification.
    private func answer<Value>(
        _ requests: inout Requests, _ request: () async -> GatewayAnswer<Value>
    ) async throws -> Value {
        var attempt = 0
        var lastFailure: RequestFailure?
        while true {
            let giveUpAt = requests.lastSuccess.addingTimeInterval(giveUpAfter.timeInterval)
            if let lastFailure, clock.now >= giveUpAt { throw lastFailure }
            switch requests.pacer.decide(now: clock.now) {
            case .now:
                requests.pacer.recordSend(now: clock.now)
                let answer = await request()
                requests.pacer.recordCompletion(now: clock.now)
                if let headers = answer.rateLimit { requests.pacer.observe(headers, now: clock.now) }
                switch answer.result {
                case .success(let value):
                    requests.lastSuccess = clock.now
                    return value
                case .failure(let failure):
                    lastFailure = failure
                    switch failure {
                    case .rateLimited(daily: false, let retryAfter):
                        requests.pacer.rateLimited(retryAfter: retryAfter, now: clock.now)
                    case .transient(_, let retryAfter):
                        let delay = retryAfter ?? Backoff().delay(attempt: attempt, using: &requests.random)
                        try await sleep(until: min(clock.now.addingTimeInterval(delay.timeInterval), giveUpAt))
                    default:
                        throw failure
                    }
                }
                attempt += 1
            case .at(let date):
                try await sleep(until: lastFailure == nil ? date : min(date, giveUpAt))
            case .dailyLimitReached:
                throw RequestFailure.rateLimited(daily: true, retryAfter: nil)
            }
        }
    }

    private func sleep(until date: Date) async throws {
        try await clock.sleep(for: .interval(max(0, date.timeIntervalSince(clock.now))))
    }
}
