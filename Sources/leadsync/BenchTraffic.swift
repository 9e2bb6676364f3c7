import HubSpotSimulator

/// What the drain sent, per endpoint, as the bundled simulator counted it: how full each
/// endpoint's batches were, and how many requests the drain needed at the least.
struct BenchTraffic {
    /// One endpoint's requests (any answer) and the inputs they carried (0 for unbatched ones).
    struct Endpoint {
        var name: String
        var requests: Int
        var inputs: Int

        /// Inputs per request over HubSpot's batch maximum; nil for an endpoint without inputs.
        var fill: Double? { inputs == 0 ? nil : Double(inputs) / Double(requests * BenchTraffic.batchMaximum) }
        /// The fewest requests that carry these inputs in full batches (an unbatched endpoint's
        /// requests are all needed).
        var minimumRequests: Int {
            inputs == 0 ? requests : (inputs + BenchTraffic.batchMaximum - 1) / BenchTraffic.batchMaximum
        }
    }

    /// HubSpot's maximum inputs per batch request for every batch endpoint the drain uses.
    static let batchMaximum = 100

    let endpoints: [Endpoint]

    /// The traffic between two snapshots of the simulator's counters, endpoints by name.
    init(from before: SimulatorCounters, to after: SimulatorCounters) {
        endpoints = after.requests.keys.sorted().compactMap { name in
            let requests = after.count(name) - before.count(name)
            guard requests > 0 else { return nil }
            return Endpoint(
                name: name, requests: requests, inputs: after.inputs[name, default: 0] - before.inputs[name, default: 0]
            )
        }
    }

    var requests: Int { endpoints.reduce(0) { $0 + $1.requests } }
    var minimumRequests: Int { endpoints.reduce(0) { $0 + $1.minimumRequests } }
    /// Requests sent over the fewest that would have carried the same inputs (1.0 = no request wasted
    /// on a partial batch). Retried requests count as sent, so faults and 429s raise it.
    var overMinimum: Double { minimumRequests == 0 ? 0 : Double(requests) / Double(minimumRequests) }
    /// Inputs over what the batch endpoints' requests could have carried.
    var batchFill: Double {
        let batched = endpoints.filter { $0.inputs > 0 }
        let capacity = batched.reduce(0) { $0 + $1.requests } * Self.batchMaximum
        return capacity == 0 ? 0 : Double(batched.reduce(0) { $0 + $1.inputs }) / Double(capacity)
    }
}
