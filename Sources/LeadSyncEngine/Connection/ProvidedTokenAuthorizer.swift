import HubSpotAPI
import LeadSyncSupport
import Synchronization

/// The authorizer of ``CredentialSource/provider(_:)``: the host application's provider is asked
/// for the token of every request. A refused token is retried once if the provider has a newer
/// one; otherwise the grant needs reconnecting, until the provider answers with another token.
final class ProvidedTokenAuthorizer: HubSpotAuthorizer {
    private let provider: @Sendable () async throws -> Secret
    /// The last token HubSpot refused: handing it out again cannot help.
    private let refused = Mutex<Secret?>(nil)

    init(provider: @escaping @Sendable () async throws -> Secret) {
        self.provider = provider
    }

    func accessToken() async throws -> TokenHandout { TokenHandout(token: try await provider()) }

    func tokenRefused(_ token: Secret, error: HubSpotError, isRetry: Bool) async throws {
        refused.withLock { $0 = token }
        guard !isRetry, let fresh = try? await provider(), fresh != token else {
            var error = error
            error.classification = .needsReconnect
            throw error
        }
    }

    /// The provider decides when its tokens are renewed: round trips are its concern.
    func requestEnded(_ handout: TokenHandout, answered: Bool) async {}

    /// True when the provider now has a token HubSpot has not refused (a paused sync may go on).
    func hasFreshToken() async -> Bool {
        guard let token = try? await provider() else { return false }
        return refused.withLock { $0 != token }
    }
}
