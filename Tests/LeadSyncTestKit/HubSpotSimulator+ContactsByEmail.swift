public import HubSpotSimulator

extension HubSpotSimulator {
    /// Every live contact with an email, keyed by it, with those of `properties` that have a
    /// value: the shape ``ExpectedContacts`` computes, so a drain's result compares in one line.
    public func contactsByEmail(properties: Set<String>) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for contact in contacts() where !contact.archived {
            guard let email = contact.properties["email"] else { continue }
            result[email] = contact.properties.filter { properties.contains($0.key) && !$0.value.isEmpty }
        }
        return result
    }
}
