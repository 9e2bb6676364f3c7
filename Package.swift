// swift-tools-version:6.1
import PackageDescription

/// Settings every target shares: Swift 6 language mode with strict concurrency is the default for
/// tools-version 6; the upcoming features keep imports explicit.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "leadsync",
    platforms: [.macOS(.v15)],
    products: [
        /// The embeddable library: `import LeadSync` (decision 0021). No NIO, no servers.
        .library(name: "LeadSync", targets: ["LeadSync"]),
        /// The bundled HubSpot simulator, embeddable in-process for tests, demos and benchmarks.
        .library(name: "HubSpotSimulator", targets: ["HubSpotSimulator"]),
        /// The multi-tenant store on PostgreSQL (decision 0026): NIO and postgres-nio stay out of `LeadSync`.
        .library(name: "LeadSyncPostgres", targets: ["LeadSyncPostgres"]),
        .executable(name: "leadsync", targets: ["leadsync"]),
        .executable(name: "hubspot-sim", targets: ["hubspot-sim"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // C system libraries: only their wrapper module imports each one.
        .systemLibrary(name: "CLeadSyncSQLite", path: "Sources/CLeadSyncSQLite"),
        .systemLibrary(name: "CLeadSyncCurl", path: "Sources/CLeadSyncCurl"),
        .systemLibrary(name: "CLeadSyncZlib", path: "Sources/CLeadSyncZlib"),
        // glibc's mallopt, which Swift's Glibc module does not show: the CLI caps malloc's arenas.
        .systemLibrary(name: "CLeadSyncMalloc", path: "Sources/CLeadSyncMalloc"),
        // OpenSSL's libcrypto (AES-256-GCM for credentials at rest, decision 0027): only LeadSyncPostgres.
        .systemLibrary(name: "CLeadSyncCrypto", path: "Sources/CLeadSyncCrypto"),

        // Tiny shared vocabulary: Secret, clocks, seeded randomness, JSON value, timestamps.
        .target(name: "LeadSyncSupport"),

        .target(name: "LeadSyncSQLite", dependencies: ["CLeadSyncSQLite"]),
        .target(name: "LeadSyncJournal", dependencies: ["LeadSyncSQLite", "LeadSyncSupport"]),
        // The journal's stores for many tenants in one PostgreSQL database. The only module that imports
        // postgres-nio (and with it NIO).
        .target(
            name: "LeadSyncPostgres",
            dependencies: [
                "LeadSyncJournal", "LeadSyncSupport", "CLeadSyncCrypto",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        .target(name: "LeadSyncHTTP", dependencies: ["CLeadSyncCurl", "LeadSyncSupport"]),
        .target(
            name: "HubSpotAPI",
            dependencies: [
                "LeadSyncHTTP", "LeadSyncSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),

        .target(
            name: "LeadSyncEngine",
            dependencies: [
                "LeadSyncJournal", "HubSpotAPI", "LeadSyncSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // `leadsync serve` (decision 0028): workers that lease a PostgreSQL store's tenants and drain
        // each with the engine. It joins the two; neither knows the other.
        .target(
            name: "LeadSyncServe",
            dependencies: [
                "HubSpotAPI", "LeadSyncEngine", "LeadSyncPostgres", "LeadSyncSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // The embedding API: one entry type, the sync as a `Service`, delivery events.
        .target(
            name: "LeadSync",
            dependencies: [
                "LeadSyncEngine", "LeadSyncJournal", "HubSpotAPI", "LeadSyncHTTP", "LeadSyncSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What only the command line needs: the browser and the loopback listener of OAuth's
        // consent flow (with PKCE), and credentials read from the process environment.
        .target(
            name: "LeadSyncCLISupport",
            dependencies: ["LeadSyncEngine", "HubSpotAPI", "LeadSyncHTTPServer", "LeadSyncSupport"]
        ),

        // A small HTTP/1.1 server on POSIX sockets: the simulator, the CLI's OAuth loopback redirect
        // and the health/metrics endpoint of `sync --follow`. It knows nothing of HubSpot.
        .target(name: "LeadSyncHTTPServer", dependencies: ["CLeadSyncZlib", "LeadSyncSupport"]),
        .target(name: "HubSpotSimulator", dependencies: ["LeadSyncHTTPServer", "LeadSyncSupport"]),

        .target(name: "LeadSyncWorkload", dependencies: ["LeadSyncSupport", "LeadSyncJournal"]),

        .executableTarget(
            name: "leadsync",
            dependencies: [
                "LeadSyncEngine", "LeadSyncCLISupport", "LeadSyncSupport", "LeadSyncHTTPServer", "HubSpotSimulator",
                "LeadSyncWorkload", "LeadSyncPostgres", "LeadSyncServe", "CLeadSyncMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // The example edge app: what embedding looks like, run for real by LeadSyncTests.
        .executableTarget(name: "leadsync-edge-example", dependencies: ["LeadSync"], path: "Examples/EdgeApp"),
        .executableTarget(
            name: "hubspot-sim",
            dependencies: ["HubSpotSimulator", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Benchmarks: plain executables, each printing its figure beside a baseline measured in the
        // same run (decisions 0008 and 0030). In the root package so they see `package` symbols and
        // CI builds them once with everything else; no product, so nothing ships them.
        // The baseline's own view of libsqlite3, independent of the product's wrapper.
        .systemLibrary(name: "CBenchmarkSQLite", path: "Benchmarks/Sources/CBenchmarkSQLite"),
        .executableTarget(
            name: "JournalBenchmark",
            dependencies: ["CBenchmarkSQLite", "LeadSyncJournal", "LeadSyncWorkload"],
            path: "Benchmarks/Sources/JournalBenchmark"
        ),
        .executableTarget(
            name: "JournalDrainBenchmark",
            dependencies: ["CBenchmarkSQLite", "LeadSyncJournal", "LeadSyncSupport"],
            path: "Benchmarks/Sources/JournalDrainBenchmark"
        ),
        .executableTarget(
            name: "DrainBenchmark",
            dependencies: [
                "LeadSyncEngine", "LeadSyncJournal", "HubSpotAPI", "LeadSyncHTTP", "LeadSyncSupport",
                "HubSpotSimulator",
                "LeadSyncWorkload",
            ],
            path: "Benchmarks/Sources/DrainBenchmark"
        ),
        .executableTarget(
            name: "PullBenchmark",
            dependencies: [
                "LeadSyncEngine", "LeadSyncJournal", "HubSpotAPI", "LeadSyncHTTP", "LeadSyncSupport",
                "HubSpotSimulator",
            ],
            path: "Benchmarks/Sources/PullBenchmark"
        ),
        .executableTarget(
            name: "SimulatorBenchmark",
            dependencies: ["HubSpotSimulator", "LeadSyncHTTPServer"],
            path: "Benchmarks/Sources/SimulatorBenchmark"
        ),
        .executableTarget(
            name: "TransportBenchmark",
            dependencies: ["LeadSyncHTTP", "LeadSyncHTTPServer"],
            path: "Benchmarks/Sources/TransportBenchmark"
        ),

        .target(
            name: "LeadSyncTestKit",
            dependencies: [
                "LeadSyncSupport", "LeadSyncSQLite", "LeadSyncJournal", "HubSpotSimulator", "LeadSyncWorkload",
            ],
            path: "Tests/LeadSyncTestKit"
        ),
        .testTarget(name: "LeadSyncSupportTests", dependencies: ["LeadSyncSupport"]),
        .testTarget(name: "LeadSyncSQLiteTests", dependencies: ["LeadSyncSQLite", "LeadSyncTestKit"]),
        .testTarget(
            name: "LeadSyncJournalTests", dependencies: ["LeadSyncJournal", "LeadSyncWorkload", "LeadSyncTestKit"]),
        .testTarget(
            name: "LeadSyncHTTPTests", dependencies: ["LeadSyncHTTP", "LeadSyncHTTPServer", "LeadSyncTestKit"]),
        .testTarget(name: "HubSpotAPITests", dependencies: ["HubSpotAPI", "LeadSyncTestKit"]),
        .testTarget(
            name: "LeadSyncEngineTests",
            dependencies: [
                "LeadSyncEngine", "LeadSyncCLISupport", "LeadSyncJournal", "HubSpotAPI", "LeadSyncHTTP",
                "HubSpotSimulator", "LeadSyncWorkload", "LeadSyncTestKit",
            ]
        ),
        .testTarget(
            name: "LeadSyncTests",
            dependencies: ["LeadSync", "LeadSyncTestKit", "HubSpotSimulator", "LeadSyncEngine", "LeadSyncSupport"]
        ),
        .testTarget(
            name: "LeadSyncPostgresTests",
            dependencies: [
                "LeadSyncPostgres", "LeadSyncJournal", "LeadSyncTestKit", "LeadSyncSupport", "LeadSyncEngine",
                "LeadSyncServe",
                "HubSpotAPI", "HubSpotSimulator", "LeadSyncHTTP", "LeadSyncWorkload",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "HubSpotSimulatorTests", dependencies: ["HubSpotSimulator", "LeadSyncTestKit"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "LeadSyncTestKit", "LeadSyncJournal", "LeadSyncSQLite", "HubSpotSimulator", "LeadSyncWorkload",
                "LeadSyncPostgres",
            ]
        ),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + strictSettings
}
