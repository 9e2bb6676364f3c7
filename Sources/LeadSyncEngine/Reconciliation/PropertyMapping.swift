/// How a mapped value may overwrite HubSpot's (product.md, "Conflicts").
public enum WriteRule: String, Sendable, Hashable {
    /// Always write the local value.
    case overwrite
    /// Write only where HubSpot's value is empty (absent, null or `""`).
    case ifEmpty = "if-empty"
}

/// One lead field mapped to one contact property.
public struct PropertyMapping: Sendable, Hashable {
    public var field: String
    public var property: String
    public var rule: WriteRule

    public init(field: String, property: String, rule: WriteRule = .overwrite) {
        self.field = field
        self.property = property
        self.rule = rule
    }
}

/// Which writes HubSpot may receive: `update` matching contacts, `create` missing ones.
public struct PushRules: Sendable, Hashable {
    public var update: Bool
    /// Only meaningful while `update` is on.
    public var create: Bool

    public init(update: Bool = true, create: Bool = true) {
        self.update = update
        self.create = create && update
    }
}
