// swift-tools-version:6.1
import PackageDescription

/// Benchmarks: plain executables that print each figure beside a baseline measured in the same
/// run. A separate package, so nothing here enters the product's or CI's build.
/// Run one with `swift run -c release --package-path Benchmarks <Name>Benchmark`.
let package = Package(
    name: "leadsync-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named, because a path dependency is otherwise known by its folder name, which varies by checkout.
        .package(name: "leadsync", path: "..")
    ],
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
        // The baseline's own view of libsqlite3, independent of the product's wrapper.
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
            name: "JournalDrainBenchmark",
            dependencies: ["CBenchmarkSQLite", .product(name: "LeadSync", package: "leadsync")]
        ),
        .executableTarget(
            name: "DrainBenchmark",
            dependencies: [
                .product(name: "LeadSync", package: "leadsync"),
                .product(name: "HubSpotSimulator", package: "leadsync"),
                .product(name: "LeadSyncWorkload", package: "leadsync"),
            ]
        ),
        .executableTarget(
            name: "PullBenchmark",
            dependencies: [
                .product(name: "LeadSync", package: "leadsync"),
                .product(name: "HubSpotSimulator", package: "leadsync"),
            ]
        ),
    ]
)
