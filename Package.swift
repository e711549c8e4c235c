// swift-tools-version: 6.1
import PackageDescription

let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Debug builds (the tests) compile the structures' invariant checks; release builds leave them out.
let checked: [SwiftSetting] = strictness + [.define("STUDIOLOOP_INVARIANTS", .when(configuration: .debug))]

let package = Package(
    name: "StudioLoop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "studioloop", targets: ["studioloop"]),
        .library(name: "Marketplace", targets: ["Marketplace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // C libraries. ICU sits behind a shim whose header exposes only stdint types,
        // because Foundation's own ICU headers clash with the system's (see DESIGN.md).
        .target(name: "CICUShim", linkerSettings: [.linkedLibrary("icuuc"), .linkedLibrary("icui18n")]),
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // Xapian, in process: a small C face on its C++ API for the benchmark's Xapian peer.
        .target(name: "CXapianShim", linkerSettings: [.linkedLibrary("xapian")]),
        // MariaDB's client library: the benchmark speaks SphinxQL (the MySQL protocol) to Sphinx's searchd.
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),

        // Pure logic.
        .target(name: "Geo", dependencies: [.product(name: "HeapModule", package: "swift-collections")], swiftSettings: checked),
        .target(name: "TextSearch", dependencies: ["CICUShim"], swiftSettings: strictness),
        .target(name: "GeoAreas", dependencies: ["Geo", "CGEOS"], swiftSettings: strictness),

        // The booking and credit rules: pure logic, no I/O.
        .target(name: "Booking", dependencies: ["Domain", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: checked),

        // Payment providers: hosted checkouts and refunds over their HTTP APIs, and webhook
        // signatures, checked the way each provider signs.
        .target(
            name: "Payments",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"), "Domain",
            ],
            swiftSettings: strictness
        ),

        // The typed SQL layer: SQLite and libpq connections with kept statements and typed reads,
        // shared by the store and the benchmark's peers.
        .target(name: "SQL", dependencies: ["CSQLite", "CLibPQ"], swiftSettings: strictness),

        // The store: the booking rules applied in database transactions, SQLite or PostgreSQL.
        .target(
            name: "Storage",
            dependencies: [
                "Booking", "Payments", "Datasets", "Domain", "Notifications", "SQL", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "DequeModule", package: "swift-collections"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),

        // The domain model (gyms, classes, timetables, instructors, places), shared by the
        // generator, the store and the index.
        .target(name: "Domain", dependencies: ["Geo"], swiftSettings: strictness),
        // The catalog: datasets and the search index over them.
        .target(name: "Datasets", dependencies: ["Domain", "Geo", "TextSearch"], swiftSettings: strictness),
        .target(
            name: "Marketplace",
            dependencies: ["Geo", "GeoAreas", "TextSearch", "Datasets", "Domain", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: checked
        ),

        // The brute-force reference the oracle tests and `studioloop bench` check answers against,
        // and the flat catalog it scans.
        .target(
            name: "SearchReference", dependencies: ["Marketplace", "Datasets", "Domain", "Geo", "GeoAreas", "TextSearch", "CGEOS"],
            swiftSettings: strictness
        ),

        // The comparison behind `studioloop bench`: the workload, the brute-force reference and
        // the peers (PostGIS, SQLite R*Tree + FTS5, Redis, Sphinx, Xapian, GEOS STRtree) loaded with the same data.
        .target(
            name: "Bench",
            dependencies: [
                "Marketplace", "SearchReference", "Datasets", "Domain", "Geo", "GeoAreas", "TextSearch", "CGEOS", "SQL", "CMariaDB", "CXapianShim", "CMalloc",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strictness
        ),

        // Notification channels and the outbox's message types: WhatsApp, SMS and email adapters
        // over their providers' HTTP APIs. The store depends on these types, not the other way round.
        .target(
            name: "Notifications",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Crypto", package: "swift-crypto"), "Domain",
            ],
            swiftSettings: strictness
        ),

        // The HTTP API: the index and the booking core behind Hummingbird.
        .target(
            name: "Server",
            dependencies: [
                "Marketplace", "Datasets", "Domain", "Storage", "Booking", "Payments", "Geo", "GeoAreas", "Notifications", "CQRencode", "CMalloc",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/templates"), .copy("Resources/static"), .copy("Resources/languages")],
            swiftSettings: strictness
        ),

        // The command-line tool: commands live in a library so tests can parse them.
        .target(
            name: "StudioLoopCLI",
            dependencies: [
                "Marketplace", "Datasets", "Domain", "Storage", "GeoAreas", "Server", "Booking", "Bench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictness
        ),
        .executableTarget(name: "studioloop", dependencies: ["StudioLoopCLI"], swiftSettings: strictness),

        // package-benchmark suites for the hot paths: `swift package benchmark`.
        .executableTarget(
            name: "SearchBenchmarks",
            dependencies: ["Marketplace", "Geo", "GeoAreas", "TextSearch", "Datasets", "Domain", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/SearchBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),

        .testTarget(name: "GeoAreasTests", dependencies: ["GeoAreas", "Geo", "Datasets", "Domain", "CGEOS"], swiftSettings: strictness),
        .testTarget(name: "GeoTests", dependencies: ["Geo", "Datasets", "Domain"], swiftSettings: strictness),
        .testTarget(name: "TextSearchTests", dependencies: ["TextSearch", "Datasets", "Domain"], swiftSettings: strictness),
        .testTarget(name: "BookingTests", dependencies: ["Booking", "Datasets", "Domain", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strictness),
        .testTarget(
            name: "PaymentsTests",
            dependencies: ["Payments", "TestSupport", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird")],
            // Stripe's own example objects (stripe/openapi fixtures3.json), read from disk by the tests.
            exclude: ["Fixtures"], swiftSettings: strictness
        ),
        // What the test targets share: the store fixtures on both engines, a PostgreSQL of a test's own,
        // the random query generator.
        .target(
            name: "TestSupport",
            dependencies: ["Storage", "SQL", "Booking", "Datasets", "Domain", "Geo", "Marketplace", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/TestSupport",
            swiftSettings: strictness
        ),
        .testTarget(
            name: "StorageTests", dependencies: ["Storage", "SQL", "Booking", "Payments", "Datasets", "Domain", "Marketplace", "Geo", "Notifications", "TestSupport"], swiftSettings: strictness
        ),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Domain", "Geo", "TextSearch"], swiftSettings: strictness),
        .testTarget(
            name: "MarketplaceTests", dependencies: ["Marketplace", "SearchReference", "TestSupport", "Datasets", "Domain", "Geo", "GeoAreas", "TextSearch"], swiftSettings: strictness
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Storage", "SQL", "Datasets", "Domain", "Booking", "Geo", "GeoAreas", "Marketplace", "Payments", "TestSupport", "StudioLoopCLI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "NotificationsTests",
            dependencies: [
                "Notifications", "Storage", .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(name: "BenchTests", dependencies: ["Bench", "SearchReference", "Datasets", "Domain", "Marketplace"], swiftSettings: strictness),
        .testTarget(name: "StudioLoopCLITests", dependencies: ["StudioLoopCLI", "Geo", "GeoAreas", "Datasets", "Marketplace", "TextSearch"], swiftSettings: strictness),
    ]
)
