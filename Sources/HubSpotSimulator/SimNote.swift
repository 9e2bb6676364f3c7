/// A note (object type `0-46`) as the simulator stores it: its written properties, its times and
/// the contacts it is associated with.
public struct SimNote: Sendable, Equatable {
    /// The numeric record id, as a string (its own range, apart from contacts' ids).
    public var id: String
    /// Values written by clients: `hs_timestamp` (ISO 8601 with ms), `hs_note_body`, custom ones.
    /// Server-managed properties are derived, see ``value(_:)``.
    public var properties: [String: String]
    /// Ids of the contacts the note is associated with, in association order; merges rewrite them
    /// to the surviving contact.
    public var contactIds: [String]
    public var createdAtMilliseconds: Int64
    public var updatedAtMilliseconds: Int64
    public var archived = false
    public var archivedAtMilliseconds: Int64?

    /// The value of `name`, server-managed properties (`hs_object_id`, `hs_createdate`,
    /// `hs_lastmodifieddate`) included; nil when it has none.
    public func value(_ name: String) -> String? {
        switch name {
        case "hs_object_id": id
        case "hs_createdate": ISOTimestamp.format(createdAtMilliseconds)
        case "hs_lastmodifieddate": ISOTimestamp.format(updatedAtMilliseconds)
        default: properties[name]
        }
    }
}
