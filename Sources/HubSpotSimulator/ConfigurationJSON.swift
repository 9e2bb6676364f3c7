/// ``SimulatorConfiguration`` as the control API reads and writes it. Keys are the property
/// names; a limit is `{"max":190,"intervalMilliseconds":10000}` or `null` (unlimited).
enum ConfigurationJSON {
    static func encode(_ c: SimulatorConfiguration) -> JSONValue {
        func limit(_ l: SimulatorConfiguration.RateLimit?) -> JSONValue {
            l.map { ["max": .int($0.max), "intervalMilliseconds": .int($0.intervalMilliseconds)] } ?? .null
        }
        func optional(_ value: Int?) -> JSONValue { value.map { .int($0) } ?? .null }
        func rate(_ value: Double) -> JSONValue { .number(String(value)) }
        return [
            "rateLimit": limit(c.rateLimit), "oauthRateLimit": limit(c.oauthRateLimit),
            "tokenEndpointRateLimit": limit(c.tokenEndpointRateLimit), "dailyLimit": optional(c.dailyLimit),
            "searchPerSecond": optional(c.searchPerSecond), "latencyMilliseconds": .int(c.latencyMilliseconds),
            "jitterMilliseconds": .int(c.jitterMilliseconds),
            "accessTokenLifetimeSeconds": .int(c.accessTokenLifetimeSeconds),
            "rotateRefreshTokens": .bool(c.rotateRefreshTokens),
            "searchIndexLagMilliseconds": .int(c.searchIndexLagMilliseconds),
            "authorizationCodeLifetimeSeconds": .int(c.authorizationCodeLifetimeSeconds),
            "consentError": c.consentError.map { .string($0) } ?? .null,
            "seed": .number(String(c.seed)), "shuffleResults": .bool(c.shuffleResults),
            "createSuccessStatus": .int(c.createSuccessStatus),
            "emptyPropertiesAsNull": .bool(c.emptyPropertiesAsNull),
            "caseInsensitiveEmails": .bool(c.caseInsensitiveEmails),
            "lifecycleStageForwardOnly": .bool(c.lifecycleStageForwardOnly),
            "bumpModifiedOnNoOpWrite": .bool(c.bumpModifiedOnNoOpWrite),
            "allowUniqueNoteProperties": .bool(c.allowUniqueNoteProperties),
            "compressResponses": .bool(c.compressResponses), "retryAfterSeconds": optional(c.retryAfterSeconds),
            "portalId": .int(c.portalId), "timeZone": .string(c.timeZone),
            "utcOffsetMilliseconds": .int(c.utcOffsetMilliseconds),
            "faults": [
                "serverErrorRate": rate(c.faults.serverErrorRate),
                "serverErrorStatuses": .array(c.faults.serverErrorStatuses.map { .int($0) }),
                "rateLimitRate": rate(c.faults.rateLimitRate), "resetRate": rate(c.faults.resetRate),
                "hangRate": rate(c.faults.hangRate), "hangMilliseconds": .int(c.faults.hangMilliseconds),
                "applyBeforeFailing": .bool(c.faults.applyBeforeFailing),
                "applyThenDropRate": rate(c.faults.applyThenDropRate),
            ],
        ]
    }

    /// Applies the members present in `json`; returns a message naming the first bad member.
    static func apply(_ json: JSONValue, to c: inout SimulatorConfiguration) -> String? {
        guard let members = json.objectValue else { return "configuration must be a JSON object" }
        for (key, value) in members {
            func int() -> Int? { value.intValue }
            func bool() -> Bool? { value.boolValue }
            func limit() -> SimulatorConfiguration.RateLimit?? {
                if value.isNull { return .some(nil) }
                guard let max = value["max"]?.intValue,
                    let interval = value["intervalMilliseconds"]?.intValue ?? Optional(10_000)
                else { return nil }
                return .some(.init(max: max, intervalMilliseconds: interval))
            }
            var ok = true
            switch key {
            case "rateLimit": if let l = limit() { c.rateLimit = l } else { ok = false }
            case "oauthRateLimit": if let l = limit() { c.oauthRateLimit = l } else { ok = false }
            case "tokenEndpointRateLimit": if let l = limit() { c.tokenEndpointRateLimit = l } else { ok = false }
            case "dailyLimit":
                if value.isNull { c.dailyLimit = nil } else if let v = int() { c.dailyLimit = v } else { ok = false }
            case "searchPerSecond":
                if value.isNull {
                    c.searchPerSecond = nil
                } else if let v = int() {
                    c.searchPerSecond = v
                } else {
                    ok = false
                }
            case "retryAfterSeconds":
                if value.isNull {
                    c.retryAfterSeconds = nil
                } else if let v = int() {
                    c.retryAfterSeconds = v
                } else {
                    ok = false
                }
            case "latencyMilliseconds": if let v = int() { c.latencyMilliseconds = v } else { ok = false }
            case "jitterMilliseconds": if let v = int() { c.jitterMilliseconds = v } else { ok = false }
            case "accessTokenLifetimeSeconds": if let v = int() { c.accessTokenLifetimeSeconds = v } else { ok = false }
            case "searchIndexLagMilliseconds": if let v = int() { c.searchIndexLagMilliseconds = v } else { ok = false }
            case "authorizationCodeLifetimeSeconds":
                if let v = int() { c.authorizationCodeLifetimeSeconds = v } else { ok = false }
            case "portalId": if let v = int() { c.portalId = v } else { ok = false }
            case "utcOffsetMilliseconds": if let v = int() { c.utcOffsetMilliseconds = v } else { ok = false }
            case "timeZone": if let v = value.stringValue { c.timeZone = v } else { ok = false }
            case "consentError": c.consentError = value.stringValue
            case "seed": if let v = value.propertyString.flatMap({ UInt64($0) }) { c.seed = v } else { ok = false }
            case "rotateRefreshTokens": if let v = bool() { c.rotateRefreshTokens = v } else { ok = false }
            case "shuffleResults": if let v = bool() { c.shuffleResults = v } else { ok = false }
            case "createSuccessStatus":
                if let v = int(), (200..<300).contains(v) { c.createSuccessStatus = v } else { ok = false }
            case "emptyPropertiesAsNull": if let v = bool() { c.emptyPropertiesAsNull = v } else { ok = false }
            case "caseInsensitiveEmails": if let v = bool() { c.caseInsensitiveEmails = v } else { ok = false }
            case "lifecycleStageForwardOnly": if let v = bool() { c.lifecycleStageForwardOnly = v } else { ok = false }
            case "bumpModifiedOnNoOpWrite": if let v = bool() { c.bumpModifiedOnNoOpWrite = v } else { ok = false }
            case "compressResponses": if let v = bool() { c.compressResponses = v } else { ok = false }
            case "allowUniqueNoteProperties": if let v = bool() { c.allowUniqueNoteProperties = v } else { ok = false }
            case "faults": if let failure = applyFaults(value, to: &c.faults) { return failure }
            default: return "unknown configuration member \"\(key)\""
            }
            if !ok { return "configuration member \"\(key)\" has the wrong type" }
        }
        return nil
    }

    private static func applyFaults(_ json: JSONValue, to f: inout FaultPlan) -> String? {
        guard let members = json.objectValue else { return "faults must be a JSON object" }
        for (key, value) in members {
            let number = value.propertyString.flatMap(Double.init)
            switch key {
            case "serverErrorRate": f.serverErrorRate = number ?? f.serverErrorRate
            case "rateLimitRate": f.rateLimitRate = number ?? f.rateLimitRate
            case "resetRate": f.resetRate = number ?? f.resetRate
            case "hangRate": f.hangRate = number ?? f.hangRate
            case "applyThenDropRate": f.applyThenDropRate = number ?? f.applyThenDropRate
            case "hangMilliseconds": f.hangMilliseconds = value.intValue ?? f.hangMilliseconds
            case "applyBeforeFailing": f.applyBeforeFailing = value.boolValue ?? f.applyBeforeFailing
            case "serverErrorStatuses":
                f.serverErrorStatuses = value.arrayValue?.compactMap(\.intValue) ?? f.serverErrorStatuses
            default: return "unknown faults member \"\(key)\""
            }
        }
        return nil
    }
}
