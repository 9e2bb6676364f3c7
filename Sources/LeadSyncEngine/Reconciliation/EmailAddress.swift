import Foundation

/// The email that identifies a lead: trimmed and lowercased, as it is matched and sent.
package struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The normalised address.
    package let value: String

    /// Normalises `text` (trim, lowercase) and checks its syntax as HubSpot does: one `@`, a
    /// non-empty local part of at most 64 characters, no spaces, a dotted domain of letters,
    /// digits and hyphens whose last label has two or more letters. Returns nil when HubSpot would
    /// refuse it as `INVALID_EMAIL`.
    package init?(_ text: String) {
        let normalised = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = normalised.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty,
            local.utf8.count <= 64, !normalised.contains(where: \.isWhitespace)
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }),
            domain.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }),
            let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return nil }
        self.value = normalised
    }

    package var description: String { value }
}
