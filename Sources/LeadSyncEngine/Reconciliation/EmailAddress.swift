import Foundation

/// The email that identifies a lead: trimmed and lowercased, as it is matched and sent.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The normalised address.
    public let value: String

    /// Normalises `text` (trim, lowercase) and checks its syntax: one `@`, a non-empty local part
    /// without spaces, a dotted domain of letters, digits and hyphens ending in a top-level domain
    /// of at least two letters. Returns nil when HubSpot would refuse it as `INVALID_EMAIL`.
    public init?(_ text: String) {
        let normalised = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = normalised.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty,
            local.count <= 64, !local.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" }),
            !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2,
            labels.allSatisfy({ label in
                !label.isEmpty && !label.hasPrefix("-") && !label.hasSuffix("-")
                    && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            }),
            let tld = labels.last, tld.count >= 2, tld.allSatisfy(\.isLetter)
        else { return nil }
        self.value = normalised
    }

    public var description: String { value }
}
