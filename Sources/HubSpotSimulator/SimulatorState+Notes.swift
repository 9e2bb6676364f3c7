import LeadSyncSupport

/// Note endpoints (object type `0-46`): batch create/update/upsert/read/archive and single
/// create/get/patch/delete, as hubspot-api.md §14 describes them. Search is in
/// `SimulatorState+Search.swift`, associations in `SimulatorState+Associations.swift`.
extension SimulatorState {
    /// Properties every note answer carries, sorted.
    static let noteAlwaysReturned = ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"]
    /// The association type of a note → contact association (HubSpot-defined).
    static let noteToContactType = 202
    /// The association type of a contact → note association (HubSpot-defined).
    static let contactToNoteType = 201

    func render(_ note: SimNote, names: [String], extra: [(String, JSONValue)] = []) -> JSONValue {
        renderRecord(
            id: note.id, names: names, always: Self.noteAlwaysReturned, value: note.value,
            createdAt: note.createdAtMilliseconds,
            updatedAt: note.updatedAtMilliseconds, archivedAt: note.archivedAtMilliseconds, archived: note.archived,
            extra: extra)
    }

    /// One input's plan: the checked values (and contacts to associate), or the error that
    /// refuses it.
    private struct NotePlan {
        var existing: Int64?
        var values: [String: String] = [:]
        var contacts: [Int64] = []
        var trace: String?
        var error: JSONValue?
    }

    /// The error entry for refused note values, or a missing `hs_timestamp` on create (HubSpot's
    /// text, observed in HubSpot/hubspot-api-nodejs#124).
    private func noteValuesError(_ properties: JSONValue?, creating: Bool, trace: String?) -> (
        values: [String: String], error: JSONValue?
    ) {
        let (values, problems) = check(properties, rules: notes.rules)
        let context = Self.inputContext(trace: trace)
        if !problems.isEmpty { return (values, validationError(problems, context: context, correlation: nil)) }
        if creating, (values["hs_timestamp"] ?? "").isEmpty {
            return (
                values,
                SimResponse.errorBody(
                    category: "VALIDATION_ERROR",
                    message: "Error creating NOTE.  Some required properties were not set.",
                    context: [("properties", ["hs_timestamp"])] + context)
            )
        }
        return (values, nil)
    }

    private func noteConflict(_ existing: Int64, trace: String?) -> JSONValue {
        SimResponse.errorBody(
            category: "CONFLICT", message: "Note already exists. Existing ID: \(existing)",
            context: Self.inputContext(trace: trace))
    }

    /// The contacts a create input associates the note with, or the error refusing it: every
    /// association must name a live contact with the note → contact type (202, HUBSPOT_DEFINED).
    private func noteAssociations(_ input: JSONValue, trace: String?) -> (contacts: [Int64], error: JSONValue?) {
        var contacts: [Int64] = []
        for association in input["associations"]?.arrayValue ?? [] {
            let raw = association["to"]?["id"]?.propertyString ?? ""
            for type in association["types"]?.arrayValue ?? [] {
                let category = type["associationCategory"]?.stringValue ?? ""
                let typeId = type["associationTypeId"]?.intValue ?? 0
                guard category == "HUBSPOT_DEFINED", typeId == Self.noteToContactType else {
                    return (
                        [],
                        SimResponse.errorBody(
                            category: "VALIDATION_ERROR",
                            message:
                                "Association type \(category) \(typeId) is not valid from NOTE to CONTACT; use HUBSPOT_DEFINED \(Self.noteToContactType).",
                            context: Self.inputContext(trace: trace))
                    )
                }
            }
            guard let contact = store.resolve(raw) else {
                return (
                    [],
                    SimResponse.errorBody(
                        category: "OBJECT_NOT_FOUND",
                        message: "Could not create associations: CONTACT \(raw) does not exist or is archived.",
                        context: Self.inputContext(trace: trace, ids: [raw]))
                )
            }
            if !contacts.contains(contact) { contacts.append(contact) }
        }
        return (contacts, nil)
    }

    /// The request-level answer for a refused input when the batch does not answer 207: 409 for a
    /// conflict, 400 otherwise, with the correlation id.
    private func refusal(_ error: JSONValue, _ context: RequestContext) -> SimResponse {
        SimResponse(
            status: error["category"]?.stringValue == "CONFLICT" ? 409 : 400,
            json: withCorrelation(error, context.correlation))
    }

    // MARK: Batch create

    /// Validation errors and conflicts fail the whole batch unless it carries trace ids (as for
    /// contacts); an association to an unknown contact fails only its input (207), or the request
    /// (400) when it is the only input (§14.2).
    mutating func noteBatchCreate(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        guard inputs.allSatisfy({ $0["associations"] != nil }) else {
            return SimResponse.error(
                400, category: nil,
                message: "Invalid input JSON on line 1, column 1: Missing required creator property 'associations'",
                correlationId: context.correlation)
        }
        let traceMode = inputs.contains { $0["objectWriteTraceId"] != nil }
        var plans: [NotePlan] = []
        for input in inputs {
            var plan = NotePlan(trace: input["objectWriteTraceId"]?.propertyString)
            (plan.values, plan.error) = noteValuesError(input["properties"], creating: true, trace: plan.trace)
            if plan.error == nil, let holder = notes.uniqueConflict(plan.values, owner: nil) {
                plan.error = noteConflict(holder, trace: plan.trace)
            }
            if plan.error == nil { (plan.contacts, plan.error) = noteAssociations(input, trace: plan.trace) }
            plans.append(plan)
        }
        let failures = plans.compactMap(\.error)
        let unknownContact = { (error: JSONValue) in error["category"]?.stringValue == "OBJECT_NOT_FOUND" }
        if !traceMode, let invalid = failures.first(where: { !unknownContact($0) }) { return refusal(invalid, context) }
        if inputs.count == 1, let only = failures.first, unknownContact(only) { return refusal(only, context) }
        var results: [JSONValue] = []
        var errors: [JSONValue] = []
        for plan in plans {
            if let error = plan.error {
                errors.append(error)
                continue
            }
            // A unique value repeated inside the batch conflicts with the note its first input made.
            if let holder = notes.uniqueConflict(plan.values, owner: nil) {
                errors.append(noteConflict(holder, trace: plan.trace))
                continue
            }
            let id = notes.create(plan.values, contacts: plan.contacts, at: context.now)
            counters.notesCreated += 1
            results.append(
                render(
                    notes[id]!, names: Array(plan.values.keys),
                    extra: plan.trace.map { [("objectWriteTraceId", .string($0))] } ?? []))
        }
        return batchAnswer(
            results: results, errors: errors, now: context.now, successStatus: configuration.createSuccessStatus)
    }

    // MARK: Batch update

    mutating func noteBatchUpdate(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        let keyed: [(key: InputKey, id: String)]
        do { keyed = try keyedInputs(inputs, of: .notes, uniqueNames: notes.uniqueNames, context) } catch {
            return error
        }
        let traceMode = inputs.contains { $0["objectWriteTraceId"] != nil }
        var plans: [NotePlan] = []
        for (index, input) in inputs.enumerated() {
            var plan = NotePlan(trace: input["objectWriteTraceId"]?.propertyString)
            let raw = keyed[index].id
            plan.existing =
                keyed[index].key.property == "hs_object_id"
                ? notes.resolve(raw) : notes.find(keyed[index].key.property, raw)
            guard let existing = plan.existing else {
                plan.error = Self.objectsNotFound("NOTE", ids: [raw], trace: plan.trace)
                plans.append(plan)
                continue
            }
            (plan.values, plan.error) = noteValuesError(input["properties"], creating: false, trace: plan.trace)
            if plan.error == nil, let holder = notes.uniqueConflict(plan.values, owner: existing) {
                plan.error = noteConflict(holder, trace: plan.trace)
            }
            plans.append(plan)
        }
        if !traceMode,
            let invalid = plans.first(where: { $0.error?["category"]?.stringValue == "VALIDATION_ERROR" })?.error
        {
            return refusal(invalid, context)
        }
        var results: [JSONValue] = []
        var errors: [JSONValue] = []
        for plan in plans {
            guard plan.error == nil, let id = plan.existing else {
                errors.append(plan.error!)
                continue
            }
            notes.update(id, plan.values, at: context.now)
            counters.notesUpdated += 1
            results.append(
                render(
                    notes[id]!, names: Array(plan.values.keys),
                    extra: plan.trace.map { [("objectWriteTraceId", .string($0))] } ?? []))
        }
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }

    // MARK: Batch upsert

    /// Upsert by a unique note property (`idProperty` is required; `hs_object_id` is not unique).
    /// Upsert inputs carry no associations (SPEC-NOTES): a created note is associated afterwards.
    mutating func noteBatchUpsert(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        let keyed: [(key: InputKey, id: String)]
        do {
            keyed = try keyedInputs(
                inputs, of: .notes, uniqueNames: notes.uniqueNames, defaultProperty: "hs_object_id", context)
        } catch { return error }
        let traceMode = inputs.contains { $0["objectWriteTraceId"] != nil }
        var plans: [NotePlan] = []
        for (index, input) in inputs.enumerated() {
            var plan = NotePlan(trace: input["objectWriteTraceId"]?.propertyString)
            let property = keyed[index].key.property
            plan.existing = notes.find(property, keyed[index].id)
            (plan.values, plan.error) = noteValuesError(
                input["properties"], creating: plan.existing == nil, trace: plan.trace)
            // The id names the note; the id property inside `properties` cannot re-key it.
            plan.values[property] = plan.existing == nil ? keyed[index].id : nil
            if plan.error == nil, let holder = notes.uniqueConflict(plan.values, owner: plan.existing) {
                plan.error = noteConflict(holder, trace: plan.trace)
            }
            plans.append(plan)
        }
        if !traceMode, let failed = plans.first(where: { $0.error != nil })?.error { return refusal(failed, context) }
        var results: [JSONValue] = []
        var errors: [JSONValue] = []
        for plan in plans {
            if let error = plan.error {
                errors.append(error)
                continue
            }
            let id: Int64
            if let existing = plan.existing {
                notes.update(existing, plan.values, at: context.now)
                counters.notesUpdated += 1
                id = existing
            } else {
                id = notes.create(plan.values, contacts: [], at: context.now)
                counters.notesCreated += 1
            }
            var extra: [(String, JSONValue)] = [("new", .bool(plan.existing == nil))]
            if let trace = plan.trace { extra.append(("objectWriteTraceId", .string(trace))) }
            results.append(render(notes[id]!, names: Array(plan.values.keys), extra: extra))
        }
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }

    // MARK: Batch read and archive

    mutating func noteBatchRead(_ context: RequestContext) -> SimResponse {
        let inputs: [JSONValue]
        switch self.inputs(context) {
        case .success(let i): inputs = i
        case .failure(let response): return response
        }
        let names = context.body["properties"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let idProperty = context.body["idProperty"]?.stringValue.flatMap { $0 == "hs_object_id" ? nil : $0 }
        if let idProperty, !notes.uniqueNames.contains(idProperty) {
            return nonUnique(idProperty, of: .notes, correlation: context.correlation)
        }
        let (results, errors) = readNotes(
            inputs, idProperty: idProperty, archived: context.flag("archived"), names: names)
        return batchAnswer(results: results, errors: errors, now: context.now, successStatus: 200)
    }

    /// A batch read's results and errors; not `mutating`, for the reason `readContacts` gives.
    private func readNotes(_ inputs: [JSONValue], idProperty: String?, archived: Bool, names: [String]) -> (
        results: [JSONValue], errors: [JSONValue]
    ) {
        batchReadResults(inputs, objectName: "NOTE") { raw in
            let found = idProperty.map { notes.find($0, raw) } ?? notes.resolve(raw, includeArchived: archived)
            guard let id = found, let note = notes[id], note.archived == archived else { return nil }
            return (id, render(note, names: names))
        }
    }

    mutating func noteBatchArchive(_ inputs: [JSONValue], _ context: RequestContext) -> SimResponse {
        for input in inputs {
            if let id = notes.resolve(input["id"]?.propertyString ?? "") { notes.archive(id, at: context.now) }
        }
        return SimResponse(status: 204)
    }

    // MARK: Single-object endpoints

    mutating func createNote(_ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        guard context.body["associations"] != nil else {
            return SimResponse.error(
                400, category: nil,
                message: "Invalid input JSON on line 1, column 1: Missing required creator property 'associations'",
                correlationId: context.correlation)
        }
        let (values, error) = noteValuesError(context.body["properties"], creating: true, trace: nil)
        if let error { return refusal(error, context) }
        if let holder = notes.uniqueConflict(values, owner: nil) {
            return refusal(noteConflict(holder, trace: nil), context)
        }
        let (contacts, refused) = noteAssociations(context.body, trace: nil)
        if let refused { return refusal(refused, context) }
        let id = notes.create(values, contacts: contacts, at: context.now)
        counters.notesCreated += 1
        return SimResponse(
            status: configuration.createSuccessStatus, json: render(notes[id]!, names: Array(values.keys)))
    }

    /// `GET …/notes/{id}` with `properties`, `archived` and `associations=contacts` (the v3 shape:
    /// `associations.contacts.results[{id, type: "note_to_contact"}]`).
    func getNote(_ id: String, _ context: RequestContext) -> SimResponse {
        let archived = context.flag("archived")
        guard let found = notes.resolve(id, includeArchived: archived), let note = notes[found],
            note.archived == archived
        else {
            return notFound(id, context.correlation)
        }
        var extra: [(String, JSONValue)] = []
        if context.list("associations")?.contains(where: { ObjectType(pathSegment: $0) == .contacts }) == true {
            extra.append(
                (
                    "associations",
                    [
                        "contacts": [
                            "results": .array(
                                note.contactIds.map { contact in
                                    ["id": .string(contact), "type": "note_to_contact"]
                                })
                        ]
                    ]
                ))
        }
        return SimResponse(status: 200, json: render(note, names: context.list("properties") ?? [], extra: extra))
    }

    mutating func updateNote(_ id: String, _ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        guard let found = notes.resolve(id) else { return notFound(id, context.correlation) }
        let (values, error) = noteValuesError(context.body["properties"], creating: false, trace: nil)
        if let error { return refusal(error, context) }
        if let holder = notes.uniqueConflict(values, owner: found) {
            return refusal(noteConflict(holder, trace: nil), context)
        }
        notes.update(found, values, at: context.now)
        counters.notesUpdated += 1
        return SimResponse(status: 200, json: render(notes[found]!, names: Array(values.keys)))
    }

    mutating func archiveNote(_ id: String, _ context: RequestContext) -> SimResponse {
        counters.recordsReceived += 1
        if let found = notes.resolve(id) { notes.archive(found, at: context.now) }
        return SimResponse(status: 204)
    }
}
