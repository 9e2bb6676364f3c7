/// Why a journal operation was refused or failed.
///
/// `isConfiguration` is true for refusals of bad configuration (a mapping or rule the
/// contract forbids), which the CLI reports with exit code 2.
public struct JournalError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: String, Sendable {
        case invalidMapping, invalidRule, unknownLead, unknownRejectedEntry, unknownPullRule, invalidChange, corrupt
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var isConfiguration: Bool { code == .invalidMapping || code == .invalidRule }

    public var description: String { message }
}
