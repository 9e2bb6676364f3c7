import LeadSyncSupport

/// `POST …/contacts/search` and `POST …/notes/search`: filter groups (OR of ANDs), one sort,
/// offset paging capped at 10,000 results, and the index lag (``ContactStore/searchable(at:)``
/// for contacts; notes become searchable `searchIndexLagMilliseconds` after their creation).
extension SimulatorState {
    static let searchDefaultProperties = [
        "createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname",
    ]
    static let searchableByQuery = [
        "firstname", "lastname", "email", "phone", "hs_additional_emails", "mobilephone", "company",
    ]
    static let noteSearchDefaultProperties = ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"]

    mutating func search(_ context: RequestContext) -> SimResponse {
        search(
            context, records: store.searchable(at: context.now), definitions: properties,
            defaults: Self.searchDefaultProperties, queryFields: Self.searchableByQuery
        ) { state, contact, names in state.render(contact, names: names) }
    }

    mutating func noteSearch(_ context: RequestContext) -> SimResponse {
        let indexedBefore = context.now - Int64(configuration.searchIndexLagMilliseconds)
        let visible = notes.order.compactMap { notes[$0] }.filter {
            !$0.archived && $0.createdAtMilliseconds <= indexedBefore
        }
        return search(
            context, records: visible, definitions: notes.properties, defaults: Self.noteSearchDefaultProperties,
            queryFields: ["hs_note_body"]
        ) { state, note, names in state.render(note, names: names) }
    }

    private mutating func search<Record: SearchableRecord>(
        _ context: RequestContext, records: [Record], definitions: [String: SimProperty], defaults: [String],
        queryFields: [String], render: (SimulatorState, Record, [String]) -> JSONValue
    ) -> SimResponse {
        let body = context.body
        func invalid(_ message: String) -> SimResponse {
            SimResponse.error(400, category: "VALIDATION_ERROR", message: message, correlationId: context.correlation)
        }
        let groups = body["filterGroups"]?.arrayValue ?? []
        guard groups.count <= 5 else { return invalid("Too many filter groups: \(groups.count). The maximum is 5.") }
        var total = 0
        for group in groups {
            let count = group["filters"]?.arrayValue?.count ?? 0
            guard count <= 6 else { return invalid("Too many filters in a filter group: \(count). The maximum is 6.") }
            total += count
        }
        guard total <= 18 else {
            return invalid("Too many filters: \(total). The maximum is 18 across all filter groups.")
        }
        let query = body["query"]?.stringValue
        guard (query?.utf8.count ?? 0) <= 3000 else { return invalid("The query is longer than 3000 characters.") }
        let limit = body["limit"]?.intValue ?? 10
        guard limit >= 0, limit <= 200 else { return invalid("limit must be between 0 and 200, got \(limit).") }
        let offset = body["after"].flatMap { $0.intValue } ?? 0
        guard offset >= 0 else { return invalid("after must be a non-negative integer.") }
        guard offset + max(limit, 1) <= 10_000 else {
            return invalid(
                "Search results are limited to 10,000; after \(offset) with limit \(limit) goes beyond them. Narrow the filters."
            )
        }
        var filters: [[Filter]] = []
        for group in groups {
            var parsed: [Filter] = []
            for raw in group["filters"]?.arrayValue ?? [] {
                switch Filter.parse(raw, properties: definitions) {
                case .success(let filter): parsed.append(filter)
                case .failure(let refusal): return invalid(refusal.message)
                }
            }
            filters.append(parsed)
        }
        var matches = records.filter { record in
            (filters.isEmpty || filters.contains { $0.allSatisfy { $0.matches(record) } })
                && (query.map { Self.matches(query: $0, record, fields: queryFields) } ?? true)
        }
        if let sort = body["sorts"]?.arrayValue?.first {
            let name: String
            var descending: Bool
            if let text = sort.stringValue {
                descending = text.hasPrefix("-")
                name = descending ? String(text.dropFirst()) : text
            } else {
                name = sort["propertyName"]?.stringValue ?? "hs_object_id"
                descending = sort["direction"]?.stringValue == "DESCENDING"
            }
            let type = definitions[name]?.type ?? "string"
            matches.sort { a, b in
                let order = Filter.compare(a.value(name), b.value(name), type: type)
                if order == 0 { return Int64(a.id)! < Int64(b.id)! }
                return descending ? order > 0 : order < 0
            }
        }
        let names = body["properties"]?.arrayValue?.compactMap(\.stringValue).nonEmpty ?? defaults
        let page = matches.dropFirst(offset).prefix(limit)
        var members: [(String, JSONValue)] = [
            ("total", .int(matches.count)),
            ("results", .array(page.map { render(self, $0, names) })),
        ]
        if offset + page.count < matches.count, limit > 0 {
            members.append(("paging", ["next": ["after": .string(String(offset + page.count))]]))
        }
        return SimResponse(status: 200, json: .object(members))
    }

    private static func matches(query: String, _ record: some SearchableRecord, fields: [String]) -> Bool {
        let needle = query.lowercased()
        return fields.contains { record.value($0)?.lowercased().contains(needle) ?? false }
    }
}
