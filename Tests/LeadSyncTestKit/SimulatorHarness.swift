public import HubSpotSimulator

/// A simulator running in-process on a free loopback port, with a static token registered and an
/// adjustable clock: the usual starting point of a test that talks to "HubSpot".
///
/// ```swift
/// let harness = try SimulatorHarness { $0.rateLimit = nil }
/// defer { harness.stop() }
/// let client = harness.client()
/// let answer = try client.json("GET", "/crm/v3/objects/contacts", token: harness.token)
/// ```
public final class SimulatorHarness: Sendable {
    public let simulator: HubSpotSimulator
    public let clock: AdjustableClock
    /// A private-app token registered with every scope.
    public let token = "pat-na1-11111111-2222-3333-4444-555555555555"
    public let port: Int

    /// Starts a simulator; `configure` adjusts its configuration first (no limits are removed by
    /// default: HubSpot's defaults apply).
    public init(_ configure: (inout SimulatorConfiguration) -> Void = { _ in }) throws {
        clock = AdjustableClock()
        (simulator, port) = try HubSpotSimulator.started(token: token, clock: clock, configure)
    }

    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { simulator.baseURL }

    /// A new keep-alive client on the simulator's port.
    public func client(timeoutSeconds: Int = 10) -> LoopbackHTTPClient {
        LoopbackHTTPClient(port: port, timeoutSeconds: timeoutSeconds)
    }

    /// Stops the simulator's server (also done when the harness goes away).
    public func stop() { simulator.stop() }

    deinit { simulator.stop() }
}
