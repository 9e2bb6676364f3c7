package import Foundation

/// Where a connection's credentials are kept between runs, as one document the engine encodes
/// (`StoredCredentials`): the credentials file beside a SQLite journal, or a PostgreSQL tenant's
/// encrypted row (decision 0027). Stores never look inside the document, so a store needs to know
/// nothing of HubSpot and the engine nothing of where or how the document is kept.
package protocol CredentialStore: Sendable {
    /// What the store is, for messages: "credentials file /data/leadsync.db.credentials",
    /// "the credentials of tenant acme". Never a secret.
    var location: String { get }

    /// The stored document, or nil when nothing is stored.
    func loadDocument() async throws -> Data?

    /// Replaces the stored document; durable when it returns.
    func saveDocument(_ document: Data) async throws

    /// Forgets the document; nothing stored is not an error.
    func deleteDocument() async throws
}
