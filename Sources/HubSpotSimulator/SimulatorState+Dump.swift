import LeadSyncSupport

/// Contacts to and from JSON, for the control API's dump and the executable's `--state` file.
extension SimulatorState {
    /// Why a state document could not be loaded.
    struct LoadError: Error, CustomStringConvertible {
        var description: String
    }

    func dump() -> JSONValue {
        .object([
            ("nextId", .int(store.nextId)),
            (
                "contacts",
                .array(
                    store.order.compactMap { store[$0] }.map { contact in
                        var members: [(String, JSONValue)] = [
                            ("id", .string(contact.id)),
                            (
                                "properties",
                                .object(
                                    contact.allProperties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
                                )
                            ),
                            ("createdAt", .string(ISOTimestamp.format(contact.createdAtMilliseconds))),
                            ("updatedAt", .string(ISOTimestamp.format(contact.updatedAtMilliseconds))),
                            ("archived", .bool(contact.archived)),
                        ]
                        if !contact.mergedIds.isEmpty { members.append(("mergedIds", .strings(contact.mergedIds))) }
                        return .object(members)
                    })
            ),
        ])
    }

    static func contacts(from document: JSONValue) throws -> [SimContact] {
        guard let list = document["contacts"]?.arrayValue else {
            throw LoadError(description: "state has no \"contacts\" list")
        }
        let derived: Set<String> = ["hs_object_id", "createdate", "lastmodifieddate", "hs_merged_object_ids"]
        return try list.enumerated().map { index, item in
            guard let id = item["id"]?.stringValue, Int64(id) != nil,
                let created = item["createdAt"]?.stringValue.flatMap(Timestamp.parse),
                let updated = item["updatedAt"]?.stringValue.flatMap(Timestamp.parse)
            else { throw LoadError(description: "contact #\(index + 1) needs a numeric id, createdAt and updatedAt") }
            var contact = SimContact(id: id, createdAtMilliseconds: created)
            for (name, value) in item["properties"]?.objectValue ?? [] where !derived.contains(name) {
                contact.set(name, value.propertyString ?? "", at: updated, source: .integration)
            }
            contact.updatedAtMilliseconds = updated
            contact.archived = item["archived"]?.boolValue ?? false
            contact.mergedIds = item["mergedIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return contact
        }
    }
}
