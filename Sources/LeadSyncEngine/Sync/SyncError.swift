/// Why a sync could not run or stopped: a stable code, and a message naming what is wrong.
package struct SyncError: Error, Sendable, Hashable, CustomStringConvertible {
    package enum Code: String, Sendable, Hashable {
        /// Another sync holds the journal's lock.
        case lockHeld = "lock_held"
        /// The lock file could not be opened or locked.
        case lockFailed = "lock_failed"
        /// HubSpot's property definitions could not be read.
        case propertiesUnavailable = "properties_unavailable"
    }

    package var code: Code
    package var message: String
    /// For `lockHeld`: the pid of the process holding the lock, when it wrote one.
    package var holderPID: Int32?

    package init(_ code: Code, _ message: String, holderPID: Int32? = nil) {
        self.code = code
        self.message = message
        self.holderPID = holderPID
    }

    package var description: String { message }
}
