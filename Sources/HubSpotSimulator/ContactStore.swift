/// The contacts, in id order, with the indexes HubSpot's identity rules need: unique property
/// values (email, secondary emails and `hasUniqueValue` properties) and merged-away ids.
struct ContactStore {
    private(set) var contacts: [Int64: SimContact] = [:]
    /// Every id ever created and not merged away, ascending (ids only grow), for list paging.
    private(set) var order: [Int64] = []
    private(set) var nextId: Int64 = 1001
    /// Property name → normalised value → id. `email` also holds secondary emails.
    private var unique: [String: [String: Int64]] = ["email": [:]]
    /// Merged-away id → the id that replaced it.
    private var redirects: [Int64: Int64] = [:]
    /// What search sees when it lags behind writes: nil = search reads the live contacts.
    private var searchIndex: [Int64: SimContact]?
    private var pendingIndex: [(due: Int64, contact: SimContact)] = []
    private(set) var searchLag = 0
    var caseInsensitiveEmails = true

    /// Names of the properties whose values are unique keys besides email.
    private(set) var uniqueNames: Set<String> = []
    /// `email` and the unique names, as a list for the write path.
    private(set) var indexedNames = ["email"]

    init(uniqueNames: Set<String>) {
        self.uniqueNames = uniqueNames
        indexedNames = ["email"] + uniqueNames.sorted()
        for name in uniqueNames { unique[name] = [:] }
    }

    mutating func addUniqueProperty(_ name: String) {
        guard !uniqueNames.contains(name) else { return }
        uniqueNames.insert(name)
        indexedNames.append(name)
        var index: [String: Int64] = [:]
        for (id, contact) in contacts where !contact.archived {
            if let value = contact.written(name) { index[value] = id }
        }
        unique[name] = index
    }

    /// The key a value is compared by: emails trimmed and lowercased (when configured).
    func key(_ property: String, _ value: String) -> String {
        guard property == "email", caseInsensitiveEmails else { return value }
        return value.emailKey
    }

    subscript(id: Int64) -> SimContact? { contacts[id] }

    /// The live id for a record id, following merges; nil when unknown or not numeric.
    func resolve(_ id: String, includeArchived: Bool = false) -> Int64? {
        guard var number = Int64(id) else { return nil }
        while let next = redirects[number] { number = next }
        guard let contact = contacts[number], includeArchived || !contact.archived else { return nil }
        return number
    }

    /// The contact holding `value` in the unique property `property` (email matches secondary
    /// emails too).
    func find(_ property: String, _ value: String) -> Int64? {
        find(property, key: key(property, value))
    }

    /// The contact holding a value whose ``key(_:_:)`` is `key` in the unique property `property`.
    func find(_ property: String, key: String) -> Int64? {
        unique[property]?[key]
    }

    /// Creates a contact; values must already be validated. Returns its id.
    mutating func create(_ properties: [String: String], at now: Int64, source: SimContact.Source = .integration)
        -> Int64
    {
        let id = nextId
        nextId += 1
        var contact = SimContact(id: String(id), createdAtMilliseconds: now, capacity: properties.count)
        for (name, value) in properties { contact.set(name, value, at: now, source: source) }
        contacts[id] = contact
        order.append(id)
        index(contact, id: id)
        reindex(id, at: now)
        return id
    }

    /// Writes validated values to an existing contact. Returns whether anything changed.
    @discardableResult
    mutating func update(
        _ id: Int64, _ properties: [String: String], at now: Int64, source: SimContact.Source = .integration,
        bumpOnNoOp: Bool
    ) -> Bool {
        guard let previousUpdate = contacts[id]?.updatedAtMilliseconds else { return false }
        let rekeyed = indexedNames.contains { properties[$0] != nil } || properties["hs_additional_emails"] != nil
        if rekeyed { unindex(contacts[id]!) }
        // Mutate in place: a copy of the contact would copy its dictionaries on write.
        var changed = false
        for (name, value) in properties where contacts[id]!.set(name, value, at: now, source: source) { changed = true }
        if changed || bumpOnNoOp { contacts[id]!.updatedAtMilliseconds = max(now, previousUpdate) }
        if rekeyed { index(contacts[id]!, id: id) }
        reindex(id, at: now)
        return changed
    }

    mutating func archive(_ id: Int64, at now: Int64) {
        guard var contact = contacts[id], !contact.archived else { return }
        unindex(contact)
        contact.archived = true
        contact.archivedAtMilliseconds = now
        contact.updatedAtMilliseconds = now
        contacts[id] = contact
        reindex(id, at: now)
    }

    /// Merges `secondary` into `primary` as HubSpot does since its merge change: a new record with
    /// a new id replaces both; the old ids resolve to it. The primary's values win.
    mutating func merge(primary: Int64, secondary: Int64, at now: Int64) -> Int64? {
        guard primary != secondary, let first = contacts[primary], let second = contacts[secondary] else { return nil }
        unindex(first)
        unindex(second)
        var values = second.properties.merging(first.properties) { _, primaryValue in primaryValue }
        var secondaryEmails =
            (first.properties["hs_additional_emails"].map { [$0] } ?? [])
            + (second.properties["hs_additional_emails"].map { [$0] } ?? [])
        if let email = second.properties["email"], email != values["email"] { secondaryEmails.append(email) }
        values["hs_additional_emails"] = secondaryEmails.isEmpty ? nil : secondaryEmails.joined(separator: ";")
        let id = nextId
        nextId += 1
        var merged = SimContact(
            id: String(id), createdAtMilliseconds: min(first.createdAtMilliseconds, second.createdAtMilliseconds))
        for (name, value) in values { merged.set(name, value, at: now, source: .merge) }
        merged.updatedAtMilliseconds = now
        merged.mergedIds = first.mergedIds + second.mergedIds + [first.id, second.id]
        contacts[primary] = nil
        contacts[secondary] = nil
        order.removeAll { $0 == primary || $0 == secondary }
        redirects[primary] = id
        redirects[secondary] = id
        contacts[id] = merged
        order.append(id)
        index(merged, id: id)
        for old in [primary, secondary] { reindex(old, at: now) }
        reindex(id, at: now)
        return id
    }

    /// Ids of live (or archived) contacts after `after`, in order, at most `limit`.
    func page(after: Int64?, limit: Int, archived: Bool) -> [Int64] {
        var low = 0
        if let after {
            var high = order.count
            while low < high {
                let mid = (low + high) / 2
                if order[mid] <= after { low = mid + 1 } else { high = mid }
            }
        }
        var ids: [Int64] = []
        ids.reserveCapacity(limit)
        var i = low
        while i < order.count {
            let id = order[i]
            if contacts[id]?.archived == archived {
                ids.append(id)
                if ids.count == limit { return ids }
            }
            i += 1
        }
        return ids
    }

    /// The contacts search sees at `now`: writes older than the index lag, archived excluded.
    mutating func searchable(at now: Int64) -> [SimContact] {
        guard searchIndex != nil else { return order.compactMap { contacts[$0] }.filter { !$0.archived } }
        var due = 0
        while due < pendingIndex.count, pendingIndex[due].due <= now {
            let contact = pendingIndex[due].contact
            searchIndex![Int64(contact.id)!] = contact
            due += 1
        }
        pendingIndex.removeFirst(due)
        return searchIndex!.values.filter { !$0.archived && contacts[Int64($0.id)!] != nil }
            .sorted { Int64($0.id)! < Int64($1.id)! }
    }

    /// Sets how long writes take to reach search. Turning the lag on freezes search's view at the
    /// current contacts; turning it off makes search read the live contacts again.
    mutating func setSearchLag(_ milliseconds: Int) {
        searchLag = milliseconds
        if milliseconds > 0 {
            if searchIndex == nil { searchIndex = contacts }
        } else {
            searchIndex = nil
            pendingIndex = []
        }
    }

    private mutating func reindex(_ id: Int64, at now: Int64) {
        guard searchIndex != nil else { return }
        var snapshot = contacts[id] ?? SimContact(id: String(id), createdAtMilliseconds: now)
        if contacts[id] == nil { snapshot.archived = true }
        pendingIndex.append((now + Int64(searchLag), snapshot))
    }

    private mutating func index(_ contact: SimContact, id: Int64) {
        guard !contact.archived else { return }
        for name in indexedNames {
            if let value = contact.written(name) {
                let k = key(name, value)
                unique[name, default: [:]][k] = id
            }
        }
        for email in Self.split(contact.written("hs_additional_emails")) {
            let k = key("email", email)
            unique["email", default: [:]][k] = id
        }
    }

    private mutating func unindex(_ contact: SimContact) {
        let id = Int64(contact.id)
        var keys: [(String, String)] = []
        for name in indexedNames {
            if let value = contact.written(name) { keys.append((name, key(name, value))) }
        }
        for email in Self.split(contact.written("hs_additional_emails")) { keys.append(("email", key("email", email))) }
        for (name, k) in keys where unique[name]?[k] == id { unique[name]?[k] = nil }
    }

    static func split(_ list: String?) -> [String] {
        guard let list else { return [] }
        return list.split(separator: ";", omittingEmptySubsequences: true).map(String.init)
    }

    /// Replaces everything with `contacts` (from a state file), keeping their ids; new ids start
    /// at `nextId` at the earliest, so ids merged away are never reused.
    mutating func load(_ loaded: [SimContact], nextId firstFree: Int64) {
        contacts = [:]
        order = []
        redirects = [:]
        nextId = max(1001, firstFree)
        for name in unique.keys { unique[name] = [:] }
        for contact in loaded.sorted(by: { Int64($0.id)! < Int64($1.id)! }) {
            let id = Int64(contact.id)!
            contacts[id] = contact
            order.append(id)
            index(contact, id: id)
            nextId = max(nextId, id + 1)
        }
        searchIndex = searchLag > 0 ? contacts : nil
        pendingIndex = []
    }
}
