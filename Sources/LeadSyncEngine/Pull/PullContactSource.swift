/// The HubSpot reads a pull makes: list pages for the full pull, first pages of searches for the
/// incremental one. `HubSpotClient` provides them (`HubSpotClient+PullContactSource.swift`).
public protocol PullContactSource: Sendable {
    /// One page of the contact list (record id order) with the given properties.
    ///
    /// - Parameter after: `paging.next.after` of the previous page; nil for the first.
    func listContacts(after: String?, limit: Int, properties: [String]) async throws -> PullPage
    /// The first page of a contact search with the given properties.
    func searchContacts(_ query: ContactSearchQuery, properties: [String]) async throws -> [PulledContact]
}

/// One page of the contact list.
public struct PullPage: Sendable, Hashable {
    public var contacts: [PulledContact]
    /// The cursor of the next page; nil on the last.
    public var next: String?

    public init(contacts: [PulledContact], next: String?) {
        self.contacts = contacts
        self.next = next
    }
}
