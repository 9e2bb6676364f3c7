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
