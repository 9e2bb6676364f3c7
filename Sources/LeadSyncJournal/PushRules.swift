/// Whether the sync may update matching remote records and create missing ones.
///
/// Create is allowed only while update is on; `Journal.setPushRules` enforces it.
package struct PushRules: Sendable, Hashable, Codable {
    /// Write to a matching record. Default on.
    package var update: Bool
    /// Create a record when none matches. Default on; needs `update`.
    package var create: Bool

    package init(update: Bool = true, create: Bool = true) {
        self.update = update
        self.create = create
    }
}

extension PushRules {
    /// These rules changed as `setPushRules` asks (nil leaves a rule as it is), the same for every
    /// store: turning update off also turns create off (`createTurnedOff` says when that happened).
    /// - Throws: `JournalError.invalidRule` when create would be on while update is off.
    package func changed(update: Bool?, create: Bool?) throws(JournalError) -> (rules: PushRules, createTurnedOff: Bool)
    {
        var rules = self
        if let update { rules.update = update }
        if let create { rules.create = create }
        if create == true && !rules.update {
            throw JournalError(
                .invalidRule, "--create on needs update on: create makes records only while update is on")
        }
        let turnedOff = update == false && create == nil && self.create
        if turnedOff { rules.create = false }
        return (rules, turnedOff)
    }
}
