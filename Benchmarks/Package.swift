// swift-tools-version:6.1
import PackageDescription

/// Benchmarks: plain executables that print their figures beside a baseline measured in the same
/// run. Kept out of the root package so its build and CI stay lean.
let package = Package(
    name: "leadsync-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "leadsync", path: "..")],
    targets: [
        .executableTarget(
            name: "SimulatorBenchmark",
            dependencies: [.product(name: "HubSpotSimulator", package: "leadsync")],
            path: "Sources/SimulatorBenchmark"
        ),
    ]
)
