import Foundation
import HubSpotAPI
import LeadSyncJournal
import LeadSyncSupport

/// Where commands write: data on stdout (one JSON document under `--json`), everything meant
/// for people on stderr.
enum Output {
    /// Prints one JSON document on stdout.
    static func json(_ value: JSONValue) {
        FileHandle.standardOutput.write(Data((value.text + "\n").utf8))
    }

    /// Prints human-readable data on stdout.
    static func data(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Prints a note for people on stderr.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `count` and `noun`, plural unless it is one: "1 record", "3 records".
    static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// A refusal for people: the category and HubSpot's message, with a "Property values were not
    /// valid: [{…}]" message read into each property's own ("email: Email address bad-email is
    /// invalid (INVALID_EMAIL)"); `--json` keeps HubSpot's message as it came.
    static func refusal(_ category: String, _ message: String) -> String {
        let details = HubSpotError.propertyValueDetails(in: message)
        guard !details.isEmpty else { return "\(category): \(message)" }
        let readable = details.map { detail in
            (detail.propertyName.map { "\($0): " } ?? "") + detail.message + (detail.code.map { " (\($0))" } ?? "")
        }
        return "\(category): " + readable.joined(separator: "; ")
    }
}
