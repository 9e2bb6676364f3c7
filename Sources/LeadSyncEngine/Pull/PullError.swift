/// Why a pull could not go on: a rule that cannot be parsed, an answer from HubSpot that breaks
/// what the pull relies on (a record without a usable id or modification time, a search page out of
/// order), or the account's daily limit. The description names the rule, record or page concerned.
package struct PullError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, label-safe code (for logs and metrics).
    package enum Code: String, Sendable, Hashable {
        case invalidRule = "invalid_rule"
        case malformedContact = "malformed_contact"
        case unorderedSearchPage = "unordered_search_page"
        case malformedCheckpoint = "malformed_checkpoint"
        case dailyLimitReached = "daily_limit_reached"
    }

    package let code: Code
    /// What is wrong, and where.
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }
}
