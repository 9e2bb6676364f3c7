/// Why a journal operation was refused or failed.
///
/// `isConfiguration` is true for refusals of bad configuration (a mapping or rule the
/// contract forbids, a journal path naming another application's database), which the CLI
/// reports with exit code 2.
package struct JournalError: Error, CustomStringConvertible, Sendable, Equatable {
    package enum Code: String, Sendable {
        case invalidMapping, invalidRule, unknownLead, unknownRejectedEntry, unknownPullRule, invalidChange, corrupt
        /// The file is another application's SQLite database, not a journal.
        case foreignDatabase
        /// Opened read-only, the journal needs a write first (a schema upgrade).
        case needsWrite
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var isConfiguration: Bool { code == .invalidMapping || code == .invalidRule || code == .foreignDatabase }

    package var description: String { message }
}
