public import HubSpotSimulator
public import LeadSyncSupport

extension HubSpotSimulator {
    /// A simulator serving on a free loopback port (returned beside it) with `token` registered
    /// (every scope). `configure` adjusts its configuration first; `clock` drives token expiry and
    /// rate windows.
    public static func started(
        token: String, clock: any WallClock = SystemWallClock(),
        _ configure: (inout SimulatorConfiguration) -> Void = { _ in }
    ) throws -> (simulator: HubSpotSimulator, port: Int) {
        var configuration = SimulatorConfiguration()
        configure(&configuration)
        let simulator = HubSpotSimulator(configuration: configuration, clock: clock)
        simulator.registerToken(token)
        return (simulator, try simulator.start())
    }
}
