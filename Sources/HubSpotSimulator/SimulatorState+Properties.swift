/// Properties API for contacts and notes: list, get one, create a custom one.
extension SimulatorState {
    static let propertyTypes: [String: Set<String>] = [
        "string": ["text", "textarea", "html", "phonenumber", "file"],
        "number": ["number"],
        "date": ["date"],
        "datetime": ["date"],
        "enumeration": ["select", "radio", "checkbox", "booleancheckbox"],
        "bool": ["booleancheckbox"],
        "phone_number": ["phonenumber"],
    ]

    /// The property definitions of an object type.
    func definitions(_ type: ObjectType) -> [String: SimProperty] { type == .contacts ? properties : notes.properties }

    func listProperties(_ type: ObjectType, _ context: RequestContext) -> SimResponse {
        let wanted = context.list("properties").map(Set.init)
        let listed = definitions(type).values.filter { wanted?.contains($0.name) ?? true }.sorted { $0.name < $1.name }
        return SimResponse(status: 200, json: ["results": .array(listed.map(\.json))])
    }

    func getProperty(_ type: ObjectType, _ name: String, _ context: RequestContext) -> SimResponse {
        guard let property = definitions(type)[name] else {
            return SimResponse.error(
                404, category: "OBJECT_NOT_FOUND",
                message: "Unable to find property \(name) for object type \(type.typeId)",
                correlationId: context.correlation)
        }
        return SimResponse(status: 200, json: property.json)
    }

    mutating func createProperty(_ type: ObjectType, _ context: RequestContext) -> SimResponse {
        let group = type == .contacts ? "contactinformation" : "engagement"
        switch Self.property(from: context.body, defaultGroup: group, now: context.now) {
        case .failure(let invalid):
            return SimResponse.error(
                400, category: "VALIDATION_ERROR", message: invalid.message, correlationId: context.correlation)
        case .success(let property):
            guard definitions(type)[property.name] == nil else {
                return SimResponse.error(
                    409, category: "OBJECT_ALREADY_EXISTS",
                    message: "A property named '\(property.name)' already exists.", correlationId: context.correlation,
                    context: [("name", [property.name])])
            }
            if type == .notes, property.hasUniqueValue, !configuration.allowUniqueNoteProperties {
                return SimResponse.error(
                    400, category: "VALIDATION_ERROR",
                    message:
                        "hasUniqueValue is not supported for properties of object type 0-46 (notes): \(property.name) cannot be unique.",
                    correlationId: context.correlation, context: [("name", [property.name])])
            }
            if type == .contacts { define(property) } else { notes.define(property) }
            return SimResponse(status: 201, json: property.json)
        }
    }

    /// Adds or replaces a property definition.
    mutating func define(_ property: SimProperty) {
        properties[property.name] = property
        rules[property.name] = PropertyValidator.Rule(property)
        if property.hasUniqueValue { store.addUniqueProperty(property.name) }
    }

    /// A property definition from a `PropertyCreate` body (also used by the control API).
    static func property(from body: JSONValue, defaultGroup: String = "contactinformation", now: Int64)
        -> Result<SimProperty, InvalidRequest>
    {
        guard let name = body["name"]?.stringValue, !name.isEmpty else {
            return .failure(InvalidRequest("A property needs a name."))
        }
        guard name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" }), !name.hasPrefix("hs_") else {
            return .failure(
                InvalidRequest(
                    "Property name \(name) is invalid: use lowercase letters, digits and underscores, not starting with hs_."
                ))
        }
        let type = body["type"]?.stringValue ?? "string"
        let fieldType = body["fieldType"]?.stringValue ?? "text"
        guard let allowed = propertyTypes[type] else {
            return .failure(InvalidRequest("Unknown property type \(type)."))
        }
        guard allowed.contains(fieldType) else {
            return .failure(
                InvalidRequest(
                    "fieldType \(fieldType) is not valid for type \(type); use one of \(allowed.sorted().joined(separator: ", "))."
                ))
        }
        let options = (body["options"]?.arrayValue ?? []).compactMap { option -> SimProperty.Option? in
            guard let value = option["value"]?.propertyString else { return nil }
            return SimProperty.Option(label: option["label"]?.stringValue ?? value, value: value)
        }
        if type == "enumeration", options.isEmpty, fieldType != "booleancheckbox" {
            return .failure(InvalidRequest("Enumeration property \(name) needs options."))
        }
        return .success(
            SimProperty(
                name: name, label: body["label"]?.stringValue ?? name, type: type, fieldType: fieldType,
                groupName: body["groupName"]?.stringValue ?? defaultGroup, options: options,
                hasUniqueValue: body["hasUniqueValue"]?.boolValue ?? false, createdAtMilliseconds: now))
    }
}
