package import Foundation
package import LeadSyncSupport

extension StoredCredentials {
    /// The credentials as the JSON document a ``CredentialStore`` keeps (keys sorted).
    package func document() throws -> Data {
        var object: [String: Any] = ["kind": kind.rawValue, "access_token": accessToken.revealed]
        object["refresh_token"] = refreshToken?.revealed
        object["expires_at"] = expiresAt.map(Timestamp.format)
        object["lifetime_seconds"] = lifetimeSeconds
        object["client_id"] = clientId
        object["client_secret"] = clientSecret?.revealed
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Reads a document ``document()`` wrote; `location` names the store when it is not one.
    package init(document: Data, location: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: document) as? [String: Any],
            let kind = (object["kind"] as? String).flatMap(Kind.init(rawValue:)),
            let access = object["access_token"] as? String
        else { throw CredentialsDocumentError(location: location) }
        self.init(
            kind: kind, accessToken: Secret(access),
            refreshToken: (object["refresh_token"] as? String).map(Secret.init),
            expiresAt: (object["expires_at"] as? String).flatMap(Timestamp.parse).map {
                Date(timeIntervalSince1970: Double($0) / 1000)
            },
            lifetimeSeconds: object["lifetime_seconds"] as? Int, clientId: object["client_id"] as? String,
            clientSecret: (object["client_secret"] as? String).map(Secret.init))
    }
}

extension CredentialStore {
    /// The stored credentials, or nil when none are stored.
    package func credentials() async throws -> StoredCredentials? {
        guard let document = try await loadDocument() else { return nil }
        return try StoredCredentials(document: document, location: location)
    }

    /// Replaces the stored credentials.
    package func save(_ credentials: StoredCredentials) async throws {
        try await saveDocument(try credentials.document())
    }
}

/// A store's document is not leadsync credentials.
package struct CredentialsDocumentError: Error, CustomStringConvertible {
    package let location: String
    package var description: String { "\(location) does not hold leadsync credentials" }
}
