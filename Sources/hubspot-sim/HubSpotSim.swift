import ArgumentParser

/// `hubspot-sim`: the bundled local HubSpot, as a standalone server.
@main
struct HubSpotSim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hubspot-sim", abstract: "A faithful local HubSpot for tests, demos and benchmarks.")
}
