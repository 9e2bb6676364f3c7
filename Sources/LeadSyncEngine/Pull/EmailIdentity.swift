import Foundation

/// How leadsync compares emails: trimmed and lowercased, as HubSpot is treated
/// (cli-contract.md: "matching compares it trimmed and lowercased").
package enum EmailIdentity {
    /// `email` trimmed of whitespace and lowercased; empty when nothing is left.
    package static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
