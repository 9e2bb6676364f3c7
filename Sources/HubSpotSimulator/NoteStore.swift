/// The notes, in id order, with their property definitions, the index of unique-value note
/// properties and each contact's associated notes.
struct NoteStore {
    /// First note id: far from contacts' ids (1001 up), so a client that mixes the two up fails.
    static let firstId: Int64 = 90_000_000_001

    private(set) var notes: [Int64: SimNote] = [:]
    private(set) var order: [Int64] = []
    private(set) var nextId = firstId
    /// Note property definitions and their validation rules, kept in step by ``define(_:)``.
    private(set) var properties: [String: SimProperty] = [:]
    private(set) var rules: [String: PropertyValidator.Rule] = [:]
    /// Unique property name → value → live note id. Loops go over ``uniqueNames``, never over
    /// this dictionary's keys: a keys view held while a value is written makes Swift copy the
    /// whole index on every write (quadratic time over a 10^5-note backlog).
    private var unique: [String: [String: Int64]] = [:]
    /// Names of the unique-value note properties.
    private(set) var uniqueNames: [String] = []
    /// Contact id → ids of the notes associated with it, in association order.
    private var byContact: [Int64: [Int64]] = [:]

    init(now: Int64) {
        for var property in StandardNoteProperties.all() {
            property.createdAtMilliseconds = now
            define(property)
        }
    }

    mutating func define(_ property: SimProperty) {
        properties[property.name] = property
        rules[property.name] = PropertyValidator.Rule(property)
        if property.hasUniqueValue, unique[property.name] == nil {
            var index: [String: Int64] = [:]
            for (id, note) in notes where !note.archived {
                if let value = note.properties[property.name] { index[value] = id }
            }
            unique[property.name] = index
            uniqueNames.append(property.name)
        }
    }

    subscript(id: Int64) -> SimNote? { notes[id] }

    /// The id of a note by its record id; nil when unknown, not numeric, or archived (unless
    /// `includeArchived`).
    func resolve(_ id: String, includeArchived: Bool = false) -> Int64? {
        guard let number = Int64(id), let note = notes[number], includeArchived || !note.archived else { return nil }
        return number
    }

    /// The live note holding `value` in the unique property `property`.
    func find(_ property: String, _ value: String) -> Int64? { unique[property]?[value] }

    /// Another live note holding one of `values`' unique values, if any.
    func uniqueConflict(_ values: [String: String], owner: Int64?) -> Int64? {
        for name in uniqueNames {
            if let value = values[name], !value.isEmpty, let holder = unique[name]?[value], holder != owner {
                return holder
            }
        }
        return nil
    }

    /// Creates a note associated with `contacts`; values must already be validated.
    mutating func create(_ values: [String: String], contacts: [Int64], at now: Int64) -> Int64 {
        let id = nextId
        nextId += 1
        notes[id] = SimNote(
            id: String(id), properties: values.filter { !$0.value.isEmpty }, contactIds: [],
            createdAtMilliseconds: now, updatedAtMilliseconds: now)
        order.append(id)
        index(id)
        for contact in contacts { associate(id, contact: contact) }
        return id
    }

    /// Writes validated values (`""` clears); the modification time moves on every write.
    mutating func update(_ id: Int64, _ values: [String: String], at now: Int64) {
        guard notes[id] != nil else { return }
        unindex(id)
        for (name, value) in values { notes[id]!.properties[name] = value.isEmpty ? nil : value }
        notes[id]!.updatedAtMilliseconds = max(now, notes[id]!.updatedAtMilliseconds)
        index(id)
    }

    /// Associates a note with a contact; false when it already was.
    @discardableResult
    mutating func associate(_ id: Int64, contact: Int64) -> Bool {
        guard let note = notes[id], !note.contactIds.contains(String(contact)) else { return false }
        notes[id]!.contactIds.append(String(contact))
        byContact[contact, default: []].append(id)
        return true
    }

    mutating func archive(_ id: Int64, at now: Int64) {
        guard let note = notes[id], !note.archived else { return }
        unindex(id)
        notes[id]!.archived = true
        notes[id]!.archivedAtMilliseconds = now
        notes[id]!.updatedAtMilliseconds = now
    }

    /// Moves the associations of merged-away contacts to the contact that replaced them.
    mutating func moveAssociations(from old: [Int64], to survivor: Int64) {
        for contact in old {
            for id in byContact.removeValue(forKey: contact) ?? [] {
                notes[id]!.contactIds.removeAll { $0 == String(contact) }
                associate(id, contact: survivor)
            }
        }
    }

    /// Ids of the live notes associated with `contact`, in association order.
    func notes(ofContact contact: Int64) -> [Int64] {
        (byContact[contact] ?? []).filter { notes[$0]?.archived == false }
    }

    private mutating func index(_ id: Int64) {
        guard let note = notes[id], !note.archived else { return }
        for name in uniqueNames {
            if let value = note.properties[name] { unique[name, default: [:]][value] = id }
        }
    }

    private mutating func unindex(_ id: Int64) {
        guard let note = notes[id] else { return }
        for name in uniqueNames {
            if let value = note.properties[name], unique[name]?[value] == id { unique[name]?[value] = nil }
        }
    }
}
