package import HubSpotAPI
import LeadSyncHTTP
import Synchronization

/// The reconciler's way to HubSpot: ``OutboundRequest``s sent with `HubSpotClient`, answers and
/// failures interpreted by ``HubSpotVerdicts`` as the state machine acts on them.
///
/// ```swift
/// let client = HubSpotClient(baseURL: url, transport: CurlTransport(), authorizer: authorizer)
/// let gateway = HubSpotGateway(client: client)
/// let reconciler = Reconciler(journal: journal, gateway: gateway)
/// ```
package final class HubSpotGateway: ContactsGateway {
    private let current: Mutex<HubSpotClient>
    private let reopen: (@Sendable () async throws -> HubSpotClient)?

    /// `reopen` builds a client from the credentials stored now; given, a sync paused for
    /// reconnection resumes by itself after `leadsync connect`.
    package init(client: HubSpotClient, reopen: (@Sendable () async throws -> HubSpotClient)? = nil) {
        self.current = Mutex(client)
        self.reopen = reopen
    }

    package var client: HubSpotClient { current.withLock { $0 } }

    package func send(_ request: OutboundRequest) async -> GatewayAnswer<BatchAnswer> {
        let answer = await answer {
            switch request.kind {
            case .upsertByEmail:
                try await client.batchUpsert(
                    request.inputs.map {
                        UpsertInput(
                            id: $0.key, idProperty: "email", objectWriteTraceId: $0.traceID, properties: $0.properties)
                    }, keepingProperties: HubSpotVerdicts.keptProperties(request.kind))
            case .updateByID:
                try await client.batchUpdate(
                    request.inputs.map {
                        UpdateInput(id: $0.key, objectWriteTraceId: $0.traceID, properties: $0.properties)
                    }, keepingProperties: HubSpotVerdicts.keptProperties(request.kind))
            case .readByEmail:
                try await client.batchRead(
                    ids: request.inputs.map(\.key), idProperty: "email",
                    properties: HubSpotVerdicts.readProperties(request))
            case .readByID:
                try await client.batchRead(
                    ids: request.inputs.map(\.key), properties: HubSpotVerdicts.readProperties(request))
            }
        }
        return GatewayAnswer(
            answer.result.map { HubSpotVerdicts.answer($0, to: request) }, rateLimit: answer.rateLimit)
    }

    package func propertyDefinitions() async -> GatewayAnswer<[PropertyDefinition]> {
        await answer { try await client.contactProperties() }
    }

    package func reconnect() async -> Bool {
        guard let reopen, let fresh = try? await reopen() else { return false }
        current.withLock { $0 = fresh }
        return true
    }

    func answer<Value>(_ call: () async throws -> HubSpotResponse<Value>) async -> GatewayAnswer<Value> {
        do {
            let response = try await call()
            return GatewayAnswer(.success(response.value), rateLimit: response.rateLimit)
        } catch let error as HubSpotError {
            return GatewayAnswer(.failure(HubSpotVerdicts.failure(error)), rateLimit: error.rateLimit)
        } catch let error as TransportError where error.kind == .tls {
            return GatewayAnswer(.failure(.untrusted("\(error)")))
        } catch let error as TransportError {
            return GatewayAnswer(.failure(.transient("\(error)", retryAfter: nil)))
        } catch {
            return GatewayAnswer(.failure(.transient("\(error)", retryAfter: nil)))
        }
    }
}
