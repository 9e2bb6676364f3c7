// swift-tools-version:6.1
import PackageDescription

/// Benchmarks: plain executables that print their figures beside a baseline measured in the same
/// run. Kept out of the root package so its build and CI stay lean.
/// Run one with `swift run -c release --package-path Benchmarks <Name>Benchmark`.
let package = Package(
    name: "leadsync-benchmarks",
    platforms: [.macOS(.v15)],
    // Named, because a path dependency is otherwise known by its folder name, which varies by checkout.
    dependencies: [.package(name: "leadsync", path: "..")],
    targets: [
        .executableTarget(
            name: "SimulatorBenchmark",
            dependencies: [.product(name: "HubSpotSimulator", package: "leadsync")],
            path: "Sources/SimulatorBenchmark"
        ),
        .executableTarget(
            name: "TransportBenchmark",
            dependencies: [
                .product(name: "LeadSync", package: "leadsync"),
                .product(name: "HubSpotSimulator", package: "leadsync"),
            ],
            path: "Sources/TransportBenchmark"
        ),
        // The journal baseline's own view of libsqlite3, independent of the product's wrapper.
        .systemLibrary(name: "CBenchmarkSQLite", path: "Sources/CBenchmarkSQLite"),
        .executableTarget(
            name: "JournalBenchmark",
            dependencies: [
                "CBenchmarkSQLite",
                .product(name: "LeadSync", package: "leadsync"),
                .product(name: "LeadSyncWorkload", package: "leadsync"),
            ]
        ),
        .executableTarget(
            name: "DrainBenchmark",
            dependencies: [
                .product(name: "LeadSync", package: "leadsync"),
                .product(name: "HubSpotSimulator", package: "leadsync"),
                .product(name: "LeadSyncWorkload", package: "leadsync"),
            ]
        ),
    ]
)
