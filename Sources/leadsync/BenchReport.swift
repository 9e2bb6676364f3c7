import Foundation
import LeadSyncEngine
import LeadSyncJournal
import LeadSyncSupport

/// What `leadsync bench` measured and found: the summary table's rows, and the same figures as
/// one JSON object whose keys are the rows' names in snake_case.
struct BenchReport {
    /// How the read-back compared with the state expected from the input.
    struct Verification {
        /// Contacts whose every mapped property holds the expected value.
        var matched = 0
        /// Notes (conversation notes and their continuation parts) found exactly as expected.
        var notesMatched = 0
        /// One line per missing contact, differing property or contact whose notes differ.
        var differences: [String] = []
        /// Lead → expected contact email, and email → the contact id read back (for the notes).
        var leadEmails: [String: String] = [:]
        var contactIds: [String: String] = [:]
    }

    let settings: BenchRun.Settings
    let changes: Int
    let conversations: Int
    let messages: Int
    /// Conversations the journal still counts as pending after the drain (their leads have no contact).
    let conversationsPending: Int
    let ending: SyncReport.Ending
    let summary: DrainSummary
    /// The drain's requests per endpoint as the bundled simulator counted them; nil against
    /// another HubSpot.
    let traffic: BenchTraffic?
    let verification: Verification

    /// Requests sent over the limit's steady rate times the drain's time. A drain shorter than
    /// the 10-second window can exceed 100 %: a fresh window lets a whole limit's worth go at once.
    var budgetShare: Double {
        let allowed = Double(settings.rateLimit) * summary.elapsedSeconds / 10
        return allowed == 0 ? 0 : Double(summary.requests) / allowed
    }

    private func perSecond(_ count: Int) -> Double {
        summary.elapsedSeconds == 0 ? 0 : Double(count) / summary.elapsedSeconds
    }

    /// The table's rows in order: name, figure as a person reads it, figure as JSON.
    var rows: [(name: String, text: String, json: JSONValue)] {
        func count(_ name: String, _ value: Int) -> (String, String, JSONValue) {
            (name, value.formatted(.number.grouping(.automatic)), .integer(Int64(value)))
        }
        func decimal(_ name: String, _ value: Double, _ text: String) -> (String, String, JSONValue) {
            (name, text, .number(String(format: "%.3f", value)))
        }
        let trafficRows =
            traffic.map { traffic in
                [
                    decimal(
                        "batch fill, reads included", traffic.batchFill,
                        String(format: "%.1f%%", traffic.batchFill * 100)),
                    count("fewest requests", traffic.minimumRequests),
                    decimal("requests over fewest", traffic.overMinimum, String(format: "%.3fx", traffic.overMinimum)),
                ]
            } ?? []
        return [
            count("changes", changes),
            count("leads", settings.leads),
            count("contacts delivered", summary.delivered),
            count("values rejected", summary.rejected),
            count("skipped", summary.skipped),
            count("awaiting identity", summary.awaitingIdentity),
            count("unmatched", summary.unmatched),
            count("conversations", conversations),
            count("messages", messages),
            count("notes created", summary.notesCreated),
            count("notes updated", summary.notesUpdated),
            count("conversations pending", conversationsPending),
            count("requests", summary.requests),
            count("429s", summary.rateLimited),
            decimal("mean batch fill", summary.batchFill, String(format: "%.1f%%", summary.batchFill * 100)),
        ] + trafficRows + [
            decimal("request budget used", budgetShare, String(format: "%.1f%%", budgetShare * 100)),
            decimal("elapsed seconds", summary.elapsedSeconds, String(format: "%.1f", summary.elapsedSeconds)),
            decimal("changes/s", perSecond(changes), String(format: "%.0f", perSecond(changes))),
            decimal("contacts/s", perSecond(summary.delivered), String(format: "%.0f", perSecond(summary.delivered))),
        ]
    }

    /// The summary table, names left, figures right-aligned, then the requests per endpoint.
    var table: String {
        let rows = rows
        let nameWidth = rows.map(\.name.count).max() ?? 0
        let figureWidth = rows.map(\.text.count).max() ?? 0
        let summary = rows.map { row in
            row.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + String(repeating: " ", count: figureWidth - row.text.count) + row.text
        }
        let endpoints = (traffic?.endpoints ?? []).map { endpoint in
            let fill = endpoint.fill.map { String(format: ", fill %.1f%%", $0 * 100) } ?? ""
            return
                "  \(endpoint.name): \(Output.count(endpoint.requests, "request")), \(Output.count(endpoint.inputs, "input"))\(fill)"
        }
        return (summary + (endpoints.isEmpty ? [] : ["requests by endpoint:"] + endpoints)).joined(separator: "\n")
    }

    /// The rows as a JSON object (`429s` is `rate_limited`, `changes/s` `changes_per_second`), plus
    /// the verification.
    var json: JSONValue {
        .object(
            rows.map { row in (Self.snakeCase(row.name), row.json) } + [
                ("verified", .integer(Int64(verification.matched))),
                ("notes_verified", .integer(Int64(verification.notesMatched))),
                ("differences", .array(verification.differences.map { .string($0) })),
                (
                    "endpoints",
                    .array(
                        (traffic?.endpoints ?? []).map { endpoint in
                            .object([
                                ("name", .string(endpoint.name)), ("requests", .integer(Int64(endpoint.requests))),
                                ("inputs", .integer(Int64(endpoint.inputs))),
                            ])
                        })
                ),
            ])
    }

    static func snakeCase(_ name: String) -> String {
        switch name {
        case "429s": "rate_limited"
        case "request budget used": "request_budget_used"
        case "batch fill, reads included": "batch_fill_with_reads"
        default: name.replacingOccurrences(of: "/s", with: " per second").replacingOccurrences(of: " ", with: "_")
        }
    }
}
