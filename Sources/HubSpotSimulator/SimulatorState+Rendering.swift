import LeadSyncSupport

/// How contacts, batch envelopes and validation errors look on the wire.
extension SimulatorState {
    /// Properties HubSpot returns when a read names none.
    static let defaultPropertyNames = ["firstname", "lastname", "email"]
    /// Properties every contact answer carries, sorted.
    static let alwaysReturned = ["createdate", "hs_object_id", "lastmodifieddate"]

    func render(
        _ contact: SimContact, names: [String], history: [String] = [], extra: [(String, JSONValue)] = []
    ) -> JSONValue {
        var versions: JSONValue?
        if !history.isEmpty {
            versions = .object(
                history.sorted().map { name in
                    (
                        name,
                        .array(
                            contact.versions(name).map { version in
                                [
                                    "value": .string(version.value),
                                    "timestamp": .string(ISOTimestamp.format(version.timestampMilliseconds)),
                                    "sourceType": .string(version.sourceType),
                                ]
                            })
                    )
                })
        }
        return renderRecord(
            id: contact.id, names: names, always: Self.alwaysReturned, value: contact.value, history: versions,
            createdAt: contact.createdAtMilliseconds, updatedAt: contact.updatedAtMilliseconds,
            archivedAt: contact.archivedAtMilliseconds, archived: contact.archived,
            extra: extra)
    }

    /// A record (contact or note) as the objects APIs answer it: `id`, `properties` (`names` and
    /// the type's `always` returned names, sorted), `propertiesWithHistory` when given,
    /// `createdAt`, `updatedAt`, `archived`, `archivedAt` when set, then `extra`. Written straight
    /// to JSON text: batch answers hold a hundred records, and a tree of values per record cost
    /// more than the rest of an upsert.
    func renderRecord(
        id: String, names: [String], always: [String], value: (String) -> String?, history: JSONValue? = nil,
        createdAt: Int64,
        updatedAt: Int64, archivedAt: Int64?, archived: Bool, extra: [(String, JSONValue)]
    ) -> JSONValue {
        var json = JSONWriter(capacity: 512)
        json.beginObject()
        json.key("id")
        json.write(string: id)
        json.key("properties")
        writeProperties(names, always: always, value: value, to: &json)
        if let history {
            json.key("propertiesWithHistory")
            json.write(history)
        }
        json.key("createdAt")
        json.write(timestamp: createdAt)
        json.key("updatedAt")
        json.write(timestamp: updatedAt)
        json.key("archived")
        json.write(.bool(archived))
        if let archivedAt {
            json.key("archivedAt")
            json.write(timestamp: archivedAt)
        }
        for (name, member) in extra {
            json.key(name)
            json.write(member)
        }
        json.endObject()
        return .raw(json.bytes)
    }

    /// The `properties` object of a record: each of `names` and `always` once, sorted; a name
    /// without a value is omitted, or `null` with `emptyPropertiesAsNull`. `always` is sorted
    /// already and merged in rather than sorted again with the names for every record.
    private func writeProperties(
        _ names: [String], always: [String], value: (String) -> String?, to json: inout JSONWriter
    ) {
        let requested = names.sorted()
        json.beginObject()
        var previous: String?
        var (i, j) = (0, 0)
        while i < requested.count || j < always.count {
            let name: String
            if j == always.count || i < requested.count && requested[i] < always[j] {
                name = requested[i]
                i += 1
            } else {
                name = always[j]
                j += 1
            }
            guard name != previous else { continue }
            previous = name
            if let text = value(name) {
                json.key(name)
                json.write(string: text)
            } else if configuration.emptyPropertiesAsNull {
                json.key(name)
                json.write(.null)
            }
        }
        json.endObject()
    }

    /// The batch envelope: 200/201 without errors, 207 (`numErrors`, `errors`) with them.
    mutating func batchAnswer(results: [JSONValue], errors: [JSONValue], now: Int64, successStatus: Int) -> SimResponse
    {
        var ordered = results
        if configuration.shuffleResults { ordered.shuffle(using: &random) }
        let stamp = JSONValue.string(ISOTimestamp.format(now))
        var members: [(String, JSONValue)] = [("status", "COMPLETE"), ("results", .array(ordered))]
        if !errors.isEmpty {
            members.append(("numErrors", .int(errors.count)))
            members.append(("errors", .array(errors)))
        }
        members.append(("startedAt", stamp))
        members.append(("completedAt", stamp))
        return SimResponse(status: errors.isEmpty ? successStatus : 207, json: .object(members))
    }

    /// `VALIDATION_ERROR` for refused property values: the message embeds the v1-style JSON list,
    /// `errors[]` carries `code` and `context.propertyName`.
    func validationError(_ problems: [PropertyValidator.Problem], context: [(String, [String])], correlation: String?)
        -> JSONValue
    {
        var list = JSONWriter()
        list.write(
            .array(
                problems.map { problem in
                    [
                        "isValid": false, "message": .string(problem.message), "error": .string(problem.code),
                        "name": .string(problem.name), "localizedErrorMessage": .string(problem.message),
                        "portalId": .int(configuration.portalId),
                    ]
                }))
        return SimResponse.errorBody(
            category: "VALIDATION_ERROR",
            message: "Property values were not valid: " + String(decoding: list.bytes, as: UTF8.self),
            correlationId: correlation, context: context,
            errors: problems.map { problem in
                [
                    "message": .string(problem.message), "code": .string(problem.code),
                    "context": ["propertyName": .strings([problem.name])],
                ]
            })
    }

    /// `context` naming an input by its trace id (and ids, when given).
    static func inputContext(trace: String?, ids: [String] = []) -> [(String, [String])] {
        var context: [(String, [String])] = []
        if !ids.isEmpty { context.append(("ids", ids)) }
        if let trace { context.append(("objectWriteTraceId", [trace])) }
        return context
    }
}
