import LeadSyncSupport

/// What the batch endpoints of every object type share: their inputs and limits, duplicate ids,
/// property checks and the answers for refused keys and unknown records.
extension SimulatorState {
    static let batchLimit = 100
    static let historyBatchLimit = 50

    /// The `inputs` of a batch body, or the 400 HubSpot answers for a missing list or too many.
    func inputs(_ context: RequestContext, limit: Int = batchLimit) -> Result<[JSONValue], SimResponse> {
        guard let inputs = context.body["inputs"]?.arrayValue else {
            return .failure(
                SimResponse.error(
                    400, category: nil,
                    message: "Invalid input JSON on line 1, column 1: Missing required creator property 'inputs'",
                    correlationId: context.correlation))
        }
        guard inputs.count <= limit else {
            let message =
                limit == Self.historyBatchLimit
                ? "The maximum number of inputs supported in a batch request for property histories is \(limit). Please reduce the number of inputs."
                : "Too many inputs: \(inputs.count). The maximum number of inputs supported in a batch request is \(limit)."
            return .failure(
                SimResponse.error(
                    400, category: "VALIDATION_ERROR", message: message, correlationId: context.correlation))
        }
        return .success(inputs)
    }

    /// Runs a batch write with its `inputs`, counted as records received, or answers the 400
    /// HubSpot gives for a missing list or too many.
    mutating func withWriteInputs(
        _ context: RequestContext, _ write: (inout SimulatorState, [JSONValue]) -> SimResponse
    ) -> SimResponse {
        switch inputs(context) {
        case .failure(let response): return response
        case .success(let inputs):
            counters.recordsReceived += inputs.count
            return write(&self, inputs)
        }
    }

    /// The values of a `properties` object checked against `rules`, and every problem found (the
    /// refused properties are left out of the values).
    func check(_ properties: JSONValue?, rules: [String: PropertyValidator.Rule]) -> (
        [String: String], [PropertyValidator.Problem]
    ) {
        let members = properties?.objectValue ?? []
        // Sized up front: grown from empty, the table was rehashed several times per input.
        var values = [String: String](minimumCapacity: members.count)
        var problems: [PropertyValidator.Problem] = []
        for (name, raw) in members {
            let text = raw.propertyString ?? ""
            switch PropertyValidator.check(
                name: name, value: text, rule: rules[name], lowercaseEmails: configuration.caseInsensitiveEmails)
            {
            case .success(let value): values[name] = value
            case .failure(let problem): problems.append(problem)
            }
        }
        return (values, problems)
    }

    /// What identifies an input's record within a batch: the id property and the compared value.
    struct InputKey: Hashable {
        var property: String
        var value: String
    }

    /// The record each input names: by `idProperty` (one of `uniqueNames`; `defaultProperty` when the input
    /// names none) or by record id. Refuses a property that is not unique and a batch naming one record twice.
    func keyedInputs(
        _ inputs: [JSONValue], of type: ObjectType, uniqueNames: some Sequence<String>,
        defaultProperty: String? = nil, _ context: RequestContext
    ) throws(SimResponse) -> [(key: InputKey, id: String)] {
        var keyed: [(key: InputKey, id: String)] = []
        for input in inputs {
            let id = input["id"]?.propertyString ?? ""
            if let property = input["idProperty"]?.stringValue ?? defaultProperty {
                guard uniqueNames.contains(property) else {
                    throw nonUnique(property, of: type, correlation: context.correlation)
                }
                keyed.append((InputKey(property: property, value: id), id))
            } else {
                keyed.append((InputKey(property: "hs_object_id", value: id), id))
            }
        }
        if let refused = duplicates(keyed, correlation: context.correlation) { throw refused }
        return keyed
    }

    func duplicates(_ keys: [(key: InputKey, id: String)], correlation: String) -> SimResponse? {
        var seen = Set<InputKey>(minimumCapacity: keys.count)
        var repeated: [String] = []
        for (key, id) in keys where !seen.insert(key).inserted && !repeated.contains(id) { repeated.append(id) }
        guard !repeated.isEmpty else { return nil }
        return SimResponse.error(
            400, category: "VALIDATION_ERROR",
            message: "Duplicate IDs found in batch input: [\(repeated.joined(separator: ", "))]. IDs must be unique",
            correlationId: correlation, context: [("ids", repeated)])
    }

    func nonUnique(_ property: String, of type: ObjectType, correlation: String) -> SimResponse {
        SimResponse.error(
            400, category: "VALIDATION_ERROR",
            message:
                "Unable to perform update/upsert by non-unique \(type.typeId) property \(property). Only unique properties can be used as idProperty.",
            correlationId: correlation)
    }

    /// An error entry turned into a whole answer's body: the correlation id after the message.
    func withCorrelation(_ body: JSONValue, _ correlation: String) -> JSONValue {
        guard case .object(var members) = body else { return body }
        members.insert(("correlationId", .string(correlation)), at: min(2, members.count))
        return .object(members)
    }

    /// The batch error entry for records not found (HubSpot's text for contacts, GH-RUDDER-UPS).
    static func objectsNotFound(_ objectName: String, ids: [String], trace: String?) -> JSONValue {
        SimResponse.errorBody(
            category: "OBJECT_NOT_FOUND",
            message:
                "Could not get some \(objectName) objects, they may be deleted or not exist. Check that ids are valid.",
            context: inputContext(trace: trace, ids: ids))
    }

    /// What a batch read answers: each record `find` returns for an input id, once, and one
    /// `OBJECT_NOT_FOUND` entry listing the ids it did not find.
    func batchReadResults(
        _ inputs: [JSONValue], objectName: String, find: (String) -> (id: Int64, json: JSONValue)?
    ) -> (results: [JSONValue], errors: [JSONValue]) {
        var results: [JSONValue] = []
        var returned = Set<Int64>()
        var missing: [String] = []
        for input in inputs {
            let raw = input["id"]?.propertyString ?? ""
            guard let found = find(raw) else {
                missing.append(raw)
                continue
            }
            if returned.insert(found.id).inserted { results.append(found.json) }
        }
        return (results, missing.isEmpty ? [] : [Self.objectsNotFound(objectName, ids: missing, trace: nil)])
    }

    func notFound(_ id: String, _ correlation: String) -> SimResponse {
        SimResponse.error(
            404, category: "OBJECT_NOT_FOUND", message: "Object not found.  objectId are usually numeric.",
            correlationId: correlation, context: [("id", [id])])
    }
}
