/// A contact's written values: a short array searched linearly instead of a hash table.
///
/// Contacts hold a handful to a few dozen properties, so a scan of small-string names beats
/// hashing, and the array holds no empty buckets: stores of millions of contacts stay about half
/// the size they would be with a `Dictionary` per contact.
struct PropertyValueList: Sendable {
    private var entries: [(name: String, stored: SimContact.Stored)] = []

    init(capacity: Int = 0) { entries.reserveCapacity(capacity) }

    subscript(name: String) -> SimContact.Stored? {
        get {
            for entry in entries where entry.name == name { return entry.stored }
            return nil
        }
        set {
            if let index = entries.firstIndex(where: { $0.name == name }) {
                if let newValue { entries[index].stored = newValue } else { entries.remove(at: index) }
            } else if let newValue {
                entries.append((name, newValue))
            }
        }
    }

    /// Name → value, for callers that want a plain dictionary.
    var plain: [String: String] {
        Dictionary(entries.map { ($0.name, $0.stored.value) }, uniquingKeysWith: { _, last in last })
    }
}
