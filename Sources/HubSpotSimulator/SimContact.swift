/// A contact as the simulator stores it.
public struct SimContact: Sendable, Equatable {
    /// One value of a property with when and by what it was written, for `propertiesWithHistory`.
    public struct Version: Sendable, Equatable {
        public var value: String
        public var timestampMilliseconds: Int64
        /// `INTEGRATION` for API writes, `CRM_UI` for simulated HubSpot-side edits, `MERGE`.
        public var sourceType: String
    }

    /// What wrote a value; one byte per value instead of a string.
    enum Source: UInt8, Sendable {
        case integration, crmUI, merge

        var name: String {
            switch self {
            case .integration: "INTEGRATION"
            case .crmUI: "CRM_UI"
            case .merge: "MERGE"
            }
        }
    }

    /// A current value with its write time and source, kept together so large stores stay small
    /// (drain benchmarks hold millions of contacts).
    struct Stored: Sendable {
        var value: String
        var timestamp: Int64
        var source: Source
    }

    /// The numeric record id, as a string.
    public var id: String
    var values: PropertyValueList
    public var createdAtMilliseconds: Int64
    public var updatedAtMilliseconds: Int64
    public var archived = false
    public var archivedAtMilliseconds: Int64?
    /// Ids of the contacts merged into this one.
    public var mergedIds: [String] = []
    /// Earlier values per property, newest first (only properties written more than once).
    var history: [String: [Version]] = [:]

    init(id: String, createdAtMilliseconds: Int64, capacity: Int = 0) {
        self.id = id
        self.values = PropertyValueList(capacity: capacity)
        self.createdAtMilliseconds = createdAtMilliseconds
        self.updatedAtMilliseconds = createdAtMilliseconds
    }

    public static func == (lhs: SimContact, rhs: SimContact) -> Bool {
        lhs.id == rhs.id && lhs.properties == rhs.properties && lhs.createdAtMilliseconds == rhs.createdAtMilliseconds
            && lhs.updatedAtMilliseconds == rhs.updatedAtMilliseconds && lhs.archived == rhs.archived
            && lhs.mergedIds == rhs.mergedIds
    }

    /// Values written by clients, HubSpot-side edits or merges; server-managed properties
    /// (`createdate`, `lastmodifieddate`, `hs_object_id`, `hs_merged_object_ids`) are derived, see
    /// ``allProperties``.
    public var properties: [String: String] { values.plain }

    /// A written value (not a server-managed one).
    func written(_ name: String) -> String? { values[name]?.value }

    /// The value of `name`, server-managed properties included; nil when it has none.
    public func value(_ name: String) -> String? {
        switch name {
        case "hs_object_id": id
        case "createdate": ISOTimestamp.format(createdAtMilliseconds)
        case "lastmodifieddate": ISOTimestamp.format(updatedAtMilliseconds)
        case "hs_merged_object_ids": mergedIds.isEmpty ? nil : mergedIds.joined(separator: ";")
        default: values[name]?.value
        }
    }

    /// Every property with a value, server-managed ones included.
    public var allProperties: [String: String] {
        var all = properties
        for name in ["hs_object_id", "createdate", "lastmodifieddate", "hs_merged_object_ids"] {
            all[name] = value(name)
        }
        return all
    }

    /// Sets `name` (`""` clears it), keeping the previous value in the history. Returns whether
    /// the value changed.
    @discardableResult
    mutating func set(_ name: String, _ value: String, at now: Int64, source: Source) -> Bool {
        if let old = values[name] {
            guard old.value != value else { return false }
            history[name, default: []].insert(
                Version(value: old.value, timestampMilliseconds: old.timestamp, sourceType: old.source.name), at: 0)
        } else if value.isEmpty {
            return false
        }
        values[name] = value.isEmpty ? nil : Stored(value: value, timestamp: now, source: source)
        return true
    }

    /// The current and earlier values of `name`, newest first, for `propertiesWithHistory`.
    func versions(_ name: String) -> [Version] {
        var all: [Version] = []
        if let stored = values[name] {
            all.append(
                Version(value: stored.value, timestampMilliseconds: stored.timestamp, sourceType: stored.source.name))
        } else if let derived = value(name) {
            let stamp = name == "lastmodifieddate" ? updatedAtMilliseconds : createdAtMilliseconds
            all.append(Version(value: derived, timestampMilliseconds: stamp, sourceType: "API"))
        }
        return all + (history[name] ?? [])
    }
}
