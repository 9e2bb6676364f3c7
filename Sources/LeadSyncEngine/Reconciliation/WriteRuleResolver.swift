import LeadSyncJournal

/// Decides, per property, whether a local value is sent under its write rule, given what is known
/// of HubSpot's value (product.md, the conflict table).
enum WriteRuleResolver {
    /// What the engine knows of HubSpot's current value of a property.
    enum HubSpotValue: Sendable, Hashable {
        /// Not read this cycle.
        case unknown
        /// Read this cycle (nil: absent or null), or known empty because the contact does not exist yet.
        case known(String?)

        var isEmpty: Bool? {
            switch self {
            case .unknown: nil
            case .known(let value): value?.isEmpty ?? true
            }
        }
    }

    enum Decision: Sendable, Hashable {
        case send
        /// Not sent; `hubSpotValue` is HubSpot's non-empty value that stands (nil for a null skipped).
        case skip(hubSpotValue: String?)
        /// `if-empty` needs HubSpot's current value from a batch read in this cycle.
        case needsHubSpotValue
    }

    static func decide(rule: Mapping.WriteRule, localIsNull: Bool, hubSpot: HubSpotValue) -> Decision {
        switch rule {
        case .overwrite:
            return .send
        case .ifEmpty:
            // Clearing a value HubSpot may hold is never "writing where empty".
            if localIsNull { return .skip(hubSpotValue: nil) }
            switch hubSpot.isEmpty {
            case nil: return .needsHubSpotValue
            case true?: return .send
            case false?:
                if case .known(let value) = hubSpot { return .skip(hubSpotValue: value) }
                return .needsHubSpotValue
            }
        }
    }
}
