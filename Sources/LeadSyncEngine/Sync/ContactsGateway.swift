package import HubSpotAPI

/// How the reconciler reaches HubSpot: the batch calls its state machine asks for and HubSpot's
/// property definitions, each answer already interpreted for the machine (``BatchAnswer``,
/// ``RequestFailure``).
///
/// ``HubSpotGateway`` is the implementation over `HubSpotClient`; the seam keeps HTTP and
/// HubSpot's error shapes out of the reconciler.
package protocol ContactsGateway: Sendable {
    /// Sends one batch request.
    func send(_ request: OutboundRequest) async -> GatewayAnswer<BatchAnswer>
    /// HubSpot's contact property definitions.
    func propertyDefinitions() async -> GatewayAnswer<[PropertyDefinition]>
    /// After `reconnection_required`: picks up credentials stored since (a new `leadsync
    /// connect`); true when there are some worth trying.
    func reconnect() async -> Bool
}

/// One answer from HubSpot: the value, or why the request failed; with the rate-limit headers
/// of the response, when there was one.
package struct GatewayAnswer<Value: Sendable>: Sendable {
    package var result: Result<Value, RequestFailure>
    package var rateLimit: RateLimitInfo?

    package init(_ result: Result<Value, RequestFailure>, rateLimit: RateLimitInfo? = nil) {
        self.result = result
        self.rateLimit = rateLimit
    }
}
