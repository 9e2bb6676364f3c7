import LeadSyncSupport

/// Contact endpoints: batch upsert/create/update/read/archive, single get/create/patch/delete,
/// list and merge.
extension SimulatorState {
    /// Validated values of a `properties` object, or every problem with them.
    private func validate(_ properties: JSONValue?, existing: SimContact?) -> Result<
        [String: String], ValidationFailure
    > {
        let (values, found) = check(properties, rules: rules)
        var problems = found
        if configuration.lifecycleStageForwardOnly, let next = values["lifecyclestage"], !next.isEmpty,
            let current = existing?.written("lifecyclestage"),
            let from = StandardContactProperties.lifecycleStages.firstIndex(where: { $0.1 == current }),
            let to = StandardContactProperties.lifecycleStages.firstIndex(where: { $0.1 == next }), to < from
        {
            problems.append(
                PropertyValidator.Problem(
                    name: "lifecyclestage", code: "INVALID_LIFECYCLE_STAGE",
                    message: "lifecyclestage cannot move backwards from \(current) to \(next); clear it first."))
        }
        return problems.isEmpty ? .success(values) : .failure(ValidationFailure(problems: problems))
    }

    /// The id another contact holds for a unique value in `values`, if any (email conflicts).
    private func uniqueConflict(_ values: [String: String], owner: Int64?) -> Int64? {
        for name in store.indexedNames {
            if let value = values[name], !value.isEmpty, let holder = store.find(name, value), holder != owner {
                return holder
            }
        }
        for email in ContactStore.split(values["hs_additional_emails"]) {
            if let holder = store.find("email", email), holder != owner { return holder }
        }
        return nil
    }

    private func conflictError(_ existing: Int64, context: [(String, [String])], correlation: String?) -> JSONValue {
        SimResponse.errorBody(
            category: "CONFLICT", message: "Contact already exists. Existing ID: \(existing)",
            correlationId: correlation,
            context: context)
    }

    // MARK: Batch upsert

    mutating func batchUpsert(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        var keyed: [(key: InputKey, id: String)] = []
        keyed.reserveCapacity(inputs.count)
        for input in inputs {
            let property = input["idProperty"]?.stringValue ?? "hs_object_id"
            let id = input["id"]?.propertyString ?? ""
            guard property == "email" || store.uniqueNames.contains(property) else {
                return nonUnique(property, of: .contacts, correlation: context.correlation)
            }
            keyed.append((InputKey(property: property, value: store.key(property, id)), id))
        }
        if let refused = duplicates(keyed, correlation: context.correlation) { return refused }

        struct Plan {
            var existing: Int64?
            var values: [String: String]
            var trace: String?
            var error: JSONValue?
        }
        var plans: [Plan] = []
        plans.reserveCapacity(inputs.count)
        var traceMode = false
        for (index, input) in inputs.enumerated() {
            // The key is the id as the store compares and keeps it (an email trimmed and, when
            // configured, lowercased), worked out once per input.
            let (key, id) = keyed[index]
            let property = key.property
            let trace = input["objectWriteTraceId"]?.propertyString
            if trace != nil { traceMode = true }
            let existing = store.find(property, key: key.value)
            var plan = Plan(existing: existing, values: [:], trace: trace)
            var problems: [PropertyValidator.Problem] = []
            if property == "email", !PropertyValidator.isEmail(id.trimmedSpaces) {
                problems.append(
                    PropertyValidator.Problem(
                        name: "email", code: "INVALID_EMAIL", message: "Email address \(id) is invalid"))
            }
            switch validate(input["properties"], existing: existing.flatMap { store[$0] }) {
            case .success(var values):
                // The id names the contact; an email in `properties` cannot re-key it.
                values[property] = nil
                if existing == nil { values[property] = key.value }
                plan.values = values
            case .failure(let found): problems += found.problems
            }
            if !problems.isEmpty {
                plan.error = validationError(problems, context: Self.inputContext(trace: trace), correlation: nil)
            } else if let holder = uniqueConflict(plan.values, owner: existing) {
                plan.error = conflictError(holder, context: Self.inputContext(trace: trace), correlation: nil)
            }
            plans.append(plan)
        }
        if !traceMode, let failed = plans.first(where: { $0.error != nil })?.error {
            let status = failed["category"]?.stringValue == "CONFLICT" ? 409 : 400
            return SimResponse(status: status, json: withCorrelation(failed, context.correlation))
        }
        var results: [JSONValue] = []
        results.reserveCapacity(plans.count)
        var errors: [JSONValue] = []
        for plan in plans {
            if let error = plan.error {
                errors.append(error)
                continue
            }
            let id: Int64
            let created: Bool
            if let existing = plan.existing {
                store.update(existing, plan.values, at: context.now, bumpOnNoOp: configuration.bumpModifiedOnNoOpWrite)
                id = existing
                created = false
            } else {
                id = store.create(plan.values, at: context.now)
                created = true
            }
            var extra: [(String, JSONValue)] = [("new", .bool(created))]
            if let trace = plan.trace { extra.append(("objectWriteTraceId", .string(trace))) }
            results.append(render(store[id]!, names: Array(plan.values.keys), extra: extra))
        }
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }

    // MARK: Batch create

    mutating func batchCreate(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        let traceMode = inputs.contains { $0["objectWriteTraceId"] != nil }
        var planned: [(values: [String: String], trace: String?, error: JSONValue?)] = []
        for input in inputs {
            let trace = input["objectWriteTraceId"]?.propertyString
            switch validate(input["properties"], existing: nil) {
            case .success(let values):
                let conflict = uniqueConflict(values, owner: nil)
                planned.append(
                    (
                        values, trace,
                        conflict.map { conflictError($0, context: Self.inputContext(trace: trace), correlation: nil) }
                    ))
            case .failure(let problems):
                planned.append(
                    (
                        [:], trace,
                        validationError(problems.problems, context: Self.inputContext(trace: trace), correlation: nil)
                    ))
            }
        }
        if !traceMode {
            if let invalid = planned.first(where: { $0.error?["category"]?.stringValue == "VALIDATION_ERROR" }) {
                return SimResponse(status: 400, json: withCorrelation(invalid.error!, context.correlation))
            }
            if let conflict = planned.first(where: { $0.error != nil }) {
                return SimResponse(status: 409, json: withCorrelation(conflict.error!, context.correlation))
            }
        }
        var results: [JSONValue] = []
        var errors: [JSONValue] = []
        for plan in planned {
            if let error = plan.error {
                errors.append(error)
                continue
            }
            // An email repeated inside the batch conflicts with the contact its first input created.
            if let holder = uniqueConflict(plan.values, owner: nil) {
                errors.append(conflictError(holder, context: Self.inputContext(trace: plan.trace), correlation: nil))
                continue
            }
            let id = store.create(plan.values, at: context.now)
            var extra: [(String, JSONValue)] = []
            if let trace = plan.trace { extra.append(("objectWriteTraceId", .string(trace))) }
            results.append(render(store[id]!, names: Array(plan.values.keys), extra: extra))
        }
        return batchAnswer(
            results: results, errors: errors, now: context.now, successStatus: configuration.createSuccessStatus)
    }

    // MARK: Batch update

    mutating func batchUpdate(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        let keyed: [(key: InputKey, id: String)]
        do { keyed = try keyedInputs(inputs, of: .contacts, uniqueNames: store.uniqueNames, context) } catch {
            return error
        }
        let traceMode = inputs.contains { $0["objectWriteTraceId"] != nil }
        var planned: [(id: Int64?, values: [String: String], trace: String?, error: JSONValue?)] = []
        for (index, input) in inputs.enumerated() {
            let trace = input["objectWriteTraceId"]?.propertyString
            let raw = keyed[index].id
            let id: Int64?
            if let property = input["idProperty"]?.stringValue {
                id = store.find(property, raw)
            } else {
                id = store.resolve(raw)
            }
            guard let id else {
                planned.append((nil, [:], trace, Self.objectsNotFound("CONTACT", ids: [raw], trace: trace)))
                continue
            }
            switch validate(input["properties"], existing: store[id]) {
            case .success(let values):
                let conflict = uniqueConflict(values, owner: id)
                planned.append(
                    (
                        id, values, trace,
                        conflict.map { conflictError($0, context: Self.inputContext(trace: trace), correlation: nil) }
                    ))
            case .failure(let problems):
                planned.append(
                    (
                        id, [:], trace,
                        validationError(problems.problems, context: Self.inputContext(trace: trace), correlation: nil)
                    ))
            }
        }
        if !traceMode, let invalid = planned.first(where: { $0.error?["category"]?.stringValue == "VALIDATION_ERROR" })
        {
            return SimResponse(status: 400, json: withCorrelation(invalid.error!, context.correlation))
        }
        var results: [JSONValue] = []
        var errors: [JSONValue] = []
        for plan in planned {
            guard plan.error == nil, let id = plan.id else {
                errors.append(plan.error!)
                continue
            }
            store.update(id, plan.values, at: context.now, bumpOnNoOp: configuration.bumpModifiedOnNoOpWrite)
            var extra: [(String, JSONValue)] = []
            if let trace = plan.trace { extra.append(("objectWriteTraceId", .string(trace))) }
            results.append(render(store[id]!, names: Array(plan.values.keys), extra: extra))
        }
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }

    // MARK: Batch read

    mutating func batchRead(_ context: RequestContext) -> SimResponse {
        let history = context.body["propertiesWithHistory"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let inputs: [JSONValue]
        switch self.inputs(context, limit: history.isEmpty ? Self.batchLimit : Self.historyBatchLimit) {
        case .success(let i): inputs = i
        case .failure(let response): return response
        }
        let names = context.body["properties"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let idProperty = context.body["idProperty"]?.stringValue
        if let idProperty, idProperty != "email", idProperty != "hs_object_id", !store.uniqueNames.contains(idProperty)
        {
            return nonUnique(idProperty, of: .contacts, correlation: context.correlation)
        }
        let (results, errors) = readContacts(
            inputs, idProperty: idProperty, archived: context.flag("archived"),
            names: names.isEmpty ? Self.defaultPropertyNames : names, history: history)
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }

    /// A batch read's results and errors. Not `mutating`: a closure of a mutating method that
    /// reads `self` copied the whole state on each call, twice per input.
    private func readContacts(
        _ inputs: [JSONValue], idProperty: String?, archived: Bool, names: [String], history: [String]
    ) -> (results: [JSONValue], errors: [JSONValue]) {
        batchReadResults(inputs, objectName: "CONTACT") { raw in
            let found: Int64?
            if let idProperty, idProperty != "hs_object_id" {
                found = store.find(idProperty, raw)
            } else {
                found = store.resolve(raw, includeArchived: archived)
            }
            guard let id = found, let contact = store[id], contact.archived == archived else { return nil }
            return (id, render(contact, names: names, history: history))
        }
    }

    // MARK: Batch archive

    mutating func batchArchive(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        for input in inputs {
            if let id = store.resolve(input["id"]?.propertyString ?? "") { store.archive(id, at: context.now) }
        }
        return SimResponse(status: 204)
    }

    // MARK: Single-object endpoints

    private func lookup(_ id: String, _ context: RequestContext, archived: Bool = false) -> Int64? {
        if let property = context.request.queryValue("idProperty"), property != "hs_object_id" {
            guard let found = store.find(property, id), store[found]?.archived == archived else { return nil }
            return found
        }
        guard let found = store.resolve(id, includeArchived: archived), store[found]?.archived == archived else {
            return nil
        }
        return found
    }

    mutating func getContact(_ id: String, _ context: RequestContext) -> SimResponse {
        guard let found = lookup(id, context, archived: context.flag("archived")), let contact = store[found] else {
            return notFound(id, context.correlation)
        }
        return SimResponse(
            status: 200,
            json: render(
                contact, names: context.list("properties") ?? Self.defaultPropertyNames,
                history: context.list("propertiesWithHistory") ?? []))
    }

    mutating func createContact(_ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        switch validate(context.body["properties"], existing: nil) {
        case .failure(let problems):
            return SimResponse(
                status: 400, json: validationError(problems.problems, context: [], correlation: context.correlation))
        case .success(let values):
            if let holder = uniqueConflict(values, owner: nil) {
                return SimResponse(
                    status: 409, json: conflictError(holder, context: [], correlation: context.correlation))
            }
            let id = store.create(values, at: context.now)
            return SimResponse(
                status: configuration.createSuccessStatus, json: render(store[id]!, names: Array(values.keys)))
        }
    }

    mutating func updateContact(_ id: String, _ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        guard let found = lookup(id, context) else { return notFound(id, context.correlation) }
        switch validate(context.body["properties"], existing: store[found]) {
        case .failure(let problems):
            return SimResponse(
                status: 400, json: validationError(problems.problems, context: [], correlation: context.correlation))
        case .success(let values):
            if let holder = uniqueConflict(values, owner: found) {
                return SimResponse(
                    status: 409, json: conflictError(holder, context: [], correlation: context.correlation))
            }
            store.update(found, values, at: context.now, bumpOnNoOp: configuration.bumpModifiedOnNoOpWrite)
            return SimResponse(status: 200, json: render(store[found]!, names: Array(values.keys)))
        }
    }

    mutating func archiveContact(_ id: String, _ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        if let found = store.resolve(id) { store.archive(found, at: context.now) }
        return SimResponse(status: 204)
    }

    mutating func merge(_ context: RequestContext) -> SimResponse {
        let primary = context.body["primaryObjectId"]?.propertyString ?? ""
        let secondary = context.body["objectIdToMerge"]?.propertyString ?? ""
        guard let first = store.resolve(primary) else { return notFound(primary, context.correlation) }
        guard let second = store.resolve(secondary) else { return notFound(secondary, context.correlation) }
        guard let merged = mergeContacts(first, second, at: context.now) else {
            return SimResponse.error(
                400, category: "VALIDATION_ERROR", message: "Cannot merge an object with itself.",
                correlationId: context.correlation)
        }
        return SimResponse(
            status: 200, json: render(store[merged]!, names: Self.defaultPropertyNames + ["hs_merged_object_ids"]))
    }

    /// Merges two live contacts (a new id replaces both) and moves their notes to it.
    mutating func mergeContacts(_ primary: Int64, _ secondary: Int64, at now: Int64) -> Int64? {
        guard let merged = store.merge(primary: primary, secondary: secondary, at: now) else { return nil }
        notes.moveAssociations(from: [primary, secondary], to: merged)
        return merged
    }

    // MARK: List

    mutating func listContacts(_ context: RequestContext) -> SimResponse {
        let history = context.list("propertiesWithHistory") ?? []
        let requested = context.request.queryValue("limit").flatMap { Int($0) } ?? 10
        let maximum = history.isEmpty ? 100 : 50
        guard requested >= 1, requested <= maximum || history.isEmpty else {
            return SimResponse.error(
                400, category: "VALIDATION_ERROR",
                message:
                    "limit must be between 1 and \(maximum)\(history.isEmpty ? "" : " when requesting property history")",
                correlationId: context.correlation)
        }
        let limit = min(requested, maximum)
        var after: Int64?
        if let text = context.request.queryValue("after"), !text.isEmpty {
            guard let value = Int64(text) else {
                return SimResponse.error(
                    400, category: "VALIDATION_ERROR", message: "after must be a record id, got \(text)",
                    correlationId: context.correlation)
            }
            after = value - 1
        }
        let ids = store.page(after: after, limit: limit + 1, archived: context.flag("archived"))
        let names = context.list("properties") ?? Self.defaultPropertyNames
        let shown = ids.prefix(limit)
        var members: [(String, JSONValue)] = [
            ("results", .array(shown.map { render(store[$0]!, names: names, history: history) }))
        ]
        if ids.count > limit {
            let next = String(ids[limit])
            members.append(
                (
                    "paging",
                    [
                        "next": [
                            "after": .string(next),
                            "link": .string("?after=\(next)&limit=\(limit)"),
                        ]
                    ]
                ))
        }
        return SimResponse(status: 200, json: .object(members))
    }
}
