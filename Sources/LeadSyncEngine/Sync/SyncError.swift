/// Why a sync could not run or stopped: a stable code, and a message naming what is wrong.
public struct SyncError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Another sync holds the journal's lock.
        case lockHeld = "lock_held"
        /// The lock file could not be opened or locked.
        case lockFailed = "lock_failed"
        /// HubSpot's property definitions could not be read.
        case propertiesUnavailable = "properties_unavailable"
    }

    public var code: Code
    public var message: String
    /// For `lockHeld`: the pid of the process holding the lock, when it wrote one.
    public var holderPID: Int32?

    public init(_ code: Code, _ message: String, holderPID: Int32? = nil) {
        self.code = code
        self.message = message
        self.holderPID = holderPID
    }

    public var description: String { message }
}
