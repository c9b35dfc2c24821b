// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// The code that handles records in bulk (JSON, canonical queries, the unified records, the simulator) is
/// optimised in debug builds too: unoptimised, generating the simulator's 40,500 records takes ~20 s, which
/// every `swift run biogateway demo` and every test process would wait through, and a test paging 15,500
/// records spends most of its time mapping them.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "biogateway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "biogateway", targets: ["biogateway"]),
        // the parsers of untrusted bytes, for the fuzz targets in Fuzz/ (a package of their own)
        .library(name: "BioGatewayJSON", targets: ["BioGatewayJSON"]),
        .library(name: "BioGatewayQuery", targets: ["BioGatewayQuery"]),
        .library(name: "BioGatewayRecords", targets: ["BioGatewayRecords"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.34.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // JSON: a linear parser, ordered objects, and a writer in the upstreams' own spellings.
        .target(
            name: "BioGatewayJSON",
            swiftSettings: swiftSettings + optimisedInDebug
        ),
        // Canonical queries and cache keys: parsing, validation and enforcement of the upstreams' rules.
        .target(
            name: "BioGatewayQuery",
            dependencies: [
                "BioGatewayJSON",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings + optimisedInDebug
        ),
        // Settings declared once (key, format, default, help), read through swift-configuration: what each
        // component's `init(reader:)` is built from.
        .target(
            name: "BioGatewaySettings",
            dependencies: [
                .product(name: "Configuration", package: "swift-configuration")
            ],
            swiftSettings: swiftSettings
        ),
        // GCRA and the gateway's clock: the pacing both the client limits and the upstream gates use.
        .target(
            name: "BioGatewayPacing",
            swiftSettings: swiftSettings
        ),
        // Upstream HTTP clients (NHM Data Portal, VertNet) with pacing, retries and circuit breaking.
        .target(
            name: "BioGatewayUpstream",
            dependencies: [
                "BioGatewaySettings",
                "BioGatewayQuery",
                "BioGatewayPacing",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Persistent SQLite response cache (gzip bodies, LRU bound, freshness policy) and request coalescing.
        .target(
            name: "BioGatewayCache",
            dependencies: [
                "BioGatewaySettings",
                "BioGatewayQuery",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // What replicas share through PostgreSQL (`BIOGATEWAY_STORE=postgres://…`): the cache's store, the
        // claims that make one upstream fetch per question, and the upstreams' pace and concurrency.
        .target(
            name: "BioGatewayPostgres",
            dependencies: [
                "BioGatewayCache",
                "BioGatewayUpstream",
                "BioGatewayPacing",
                "BioGatewayQuery",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Rate limiting: GCRA budgets, clients (API keys, trusted proxies) and their limits.
        .target(
            name: "BioGatewayRateLimit",
            dependencies: [
                "BioGatewaySettings",
                "BioGatewayPacing",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The unified schema of /v1/records: its query, filter translation, Darwin Core records, signed
        // cursors and output formats. Pure parsing and writing, below the core (so it can be fuzzed alone).
        .target(
            name: "BioGatewayRecords",
            dependencies: [
                "BioGatewayQuery",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings + optimisedInDebug
        ),
        // Federated search for /v1/records: each source's page fetched through the core (cache, coalescing,
        // enforcement), sources merged page by page.
        .target(
            name: "BioGatewayFederation",
            dependencies: [
                "BioGatewayRecords",
                "BioGatewayQuery",
                "BioGatewayCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The upstream simulator (`biogateway simulate`).
        .target(
            name: "BioGatewaySimulator",
            dependencies: [
                "BioGatewayPacing",
                "BioGatewayQuery",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings + optimisedInDebug
        ),
        // The gateway's core, below HTTP: cache-first answers (freshness, stale-while-revalidate,
        // stale-if-error, coalescing), what the cache did, and refusals, as domain types.
        .target(
            name: "BioGatewayCore",
            dependencies: [
                "BioGatewayQuery",
                "BioGatewayUpstream",
                "BioGatewayCache",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The gateway's HTTP API and `buildApplication`: routes, middleware, rendering, settings.
        .target(
            name: "BioGatewayAPI",
            dependencies: [
                "BioGatewaySettings",
                "BioGatewayPacing",
                "BioGatewayCore",
                "BioGatewayQuery",
                "BioGatewayUpstream",
                "BioGatewayCache",
                "BioGatewayPostgres",
                "BioGatewayRateLimit",
                "BioGatewayRecords",
                "BioGatewayFederation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "biogateway",
            dependencies: [
                "BioGatewaySettings",
                "BioGatewayAPI",
                "BioGatewayCache",
                "BioGatewayQuery",
                "BioGatewaySimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared helpers for the end-to-end tests: starts a simulator and a gateway on loopback.
        .target(
            name: "BioGatewayTestSupport",
            dependencies: [
                "BioGatewayAPI",
                "BioGatewayPacing",
                "BioGatewayRateLimit",
                "BioGatewaySimulator",
                "BioGatewayCache",
                "BioGatewayPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/BioGatewayTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayJSONTests",
            dependencies: ["BioGatewayJSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewaySettingsTests",
            dependencies: ["BioGatewaySettings", .product(name: "Configuration", package: "swift-configuration")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayPacingTests",
            dependencies: ["BioGatewayPacing"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayUpstreamTests",
            dependencies: ["BioGatewayUpstream", "BioGatewayJSON", "BioGatewayPacing", "BioGatewayTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayQueryTests",
            dependencies: ["BioGatewayQuery"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayCacheTests",
            dependencies: ["BioGatewayCache", "BioGatewayTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayPostgresTests",
            dependencies: ["BioGatewayPostgres", "BioGatewayCache", "BioGatewayQuery", "BioGatewayTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayRecordsTests",
            dependencies: ["BioGatewayRecords", "BioGatewayQuery"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayFederationTests",
            dependencies: ["BioGatewayFederation", "BioGatewayRecords", "BioGatewayQuery", "BioGatewayJSON"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayRateLimitTests",
            dependencies: ["BioGatewayRateLimit", "BioGatewayPacing"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewaySimulatorTests",
            dependencies: ["BioGatewaySimulator", "BioGatewayTestSupport", "BioGatewayRecords"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BioGatewayAPITests",
            dependencies: [
                "BioGatewaySettings",
                "BioGatewayAPI",
                "BioGatewayCore",
                "BioGatewayCache",
                "BioGatewayTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
