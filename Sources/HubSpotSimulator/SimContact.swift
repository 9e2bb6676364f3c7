import LeadSyncSupport

/// A contact as the simulator stores it.
public struct SimContact: Sendable, Equatable {
    /// One earlier value of a property, for `propertiesWithHistory`.
    public struct Version: Sendable, Equatable {
        public var value: String
        public var timestampMilliseconds: Int64
        /// `INTEGRATION` for API writes, `CRM_UI` for simulated HubSpot-side edits.
        public var sourceType: String
    }

    /// The numeric record id, as a string.
    public var id: String
    /// Values written by clients or HubSpot-side edits; server-managed properties (`createdate`,
    /// `lastmodifieddate`, `hs_object_id`, `hs_merged_object_ids`) are derived, see
    /// ``allProperties``.
    public var properties: [String: String]
    public var createdAtMilliseconds: Int64
    public var updatedAtMilliseconds: Int64
    public var archived = false
    public var archivedAtMilliseconds: Int64?
    /// Ids of the contacts merged into this one.
    public var mergedIds: [String] = []
    /// The current value's write time and source per property.
    var stamps: [String: (timestamp: Int64, source: String)] = [:]
    /// Earlier values per property, newest first.
    var history: [String: [Version]] = [:]

    init(id: String, createdAtMilliseconds: Int64, capacity: Int = 0) {
        self.id = id
        self.properties = Dictionary(minimumCapacity: capacity)
        self.stamps = Dictionary(minimumCapacity: capacity)
        self.createdAtMilliseconds = createdAtMilliseconds
        self.updatedAtMilliseconds = createdAtMilliseconds
    }

    public static func == (lhs: SimContact, rhs: SimContact) -> Bool {
        lhs.id == rhs.id && lhs.properties == rhs.properties && lhs.createdAtMilliseconds == rhs.createdAtMilliseconds
            && lhs.updatedAtMilliseconds == rhs.updatedAtMilliseconds && lhs.archived == rhs.archived
            && lhs.mergedIds == rhs.mergedIds
    }

    /// The value of `name`, server-managed properties included; nil when it has none.
    public func value(_ name: String) -> String? {
        switch name {
        case "hs_object_id": id
        case "createdate": ISOTimestamp.format(createdAtMilliseconds)
        case "lastmodifieddate": ISOTimestamp.format(updatedAtMilliseconds)
        case "hs_merged_object_ids": mergedIds.isEmpty ? nil : mergedIds.joined(separator: ";")
        default: properties[name]
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
    mutating func set(_ name: String, _ value: String, at now: Int64, source: String) -> Bool {
        let old = properties[name]
        if let old, let stamp = stamps[name] {
            guard old != value else { return false }
            history[name, default: []].insert(Version(value: old, timestampMilliseconds: stamp.timestamp, sourceType: stamp.source), at: 0)
        } else if value.isEmpty {
            return false
        }
        if value.isEmpty {
            properties[name] = nil
        } else {
            properties[name] = value
        }
        stamps[name] = (now, source)
        return true
    }

    /// The current and earlier values of `name`, newest first, for `propertiesWithHistory`.
    func versions(_ name: String) -> [Version] {
        var all: [Version] = []
        if let current = value(name) {
            let stamp = stamps[name] ?? (name == "lastmodifieddate" ? updatedAtMilliseconds : createdAtMilliseconds, "API")
            all.append(Version(value: current, timestampMilliseconds: stamp.timestamp, sourceType: stamp.source))
        }
        return all + (history[name] ?? [])
    }
}
