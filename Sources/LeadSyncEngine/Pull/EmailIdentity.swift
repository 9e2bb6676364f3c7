import Foundation

/// How leadsync compares emails: trimmed and lowercased, as HubSpot is treated
/// (cli-contract.md: "matching compares it trimmed and lowercased").
public enum EmailIdentity {
    /// `email` trimmed of whitespace and lowercased; empty when nothing is left.
    public static func normalize(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}
