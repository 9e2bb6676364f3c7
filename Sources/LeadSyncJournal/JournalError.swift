/// Why a journal operation was refused or failed.
///
/// `isConfiguration` is true for refusals of bad configuration (a mapping or rule the
/// contract forbids, a journal path naming another application's database), which the CLI
/// reports with exit code 2.
public struct JournalError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case invalidMapping, invalidRule, unknownLead, unknownRejectedEntry, unknownPullRule, invalidChange, corrupt
        /// The file is another application's SQLite database, not a journal.
        case foreignDatabase
        /// Opened read-only, the journal needs a write first (a schema upgrade).
        case needsWrite
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var isConfiguration: Bool { code == .invalidMapping || code == .invalidRule || code == .foreignDatabase }

    public var description: String { message }
}
