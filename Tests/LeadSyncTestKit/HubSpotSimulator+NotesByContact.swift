public import HubSpotSimulator

extension HubSpotSimulator {
    /// Every live note, grouped by the email of each live contact it is associated with (a note
    /// on two contacts appears under both): what a conversation test compares with the notes each
    /// lead's conversations should have become.
    public func notesByContactEmail() -> [String: [SimNote]] {
        var result: [String: [SimNote]] = [:]
        for contact in contacts() where !contact.archived {
            guard let email = contact.properties["email"] else { continue }
            let notes = notes(contactId: contact.id)
            if !notes.isEmpty { result[email] = notes }
        }
        return result
    }
}
