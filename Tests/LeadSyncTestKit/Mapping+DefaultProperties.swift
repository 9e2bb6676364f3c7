public import LeadSyncJournal

extension Mapping {
    /// The mappings a new journal starts with, as field → property (what `ExpectedContacts` takes).
    public static let defaultProperties = Dictionary(uniqueKeysWithValues: defaults.map { ($0.field, $0.property) })
}
