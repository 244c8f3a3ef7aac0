// swift-tools-version:6.1
import PackageDescription

/// One set of Swift settings for every target: Swift 6 language mode (strict concurrency)
/// and explicit `any` for existentials.
let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6),
  .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
  name: "slipstream",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "SlipstreamWire", targets: ["SlipstreamWire"]),
    .library(name: "SlipstreamRPC", targets: ["SlipstreamRPC"]),
    .library(name: "SlipstreamAPI", targets: ["SlipstreamAPI"]),
    .library(name: "SlipstreamTransport", targets: ["SlipstreamTransport"]),
    .library(name: "SlipstreamDomain", targets: ["SlipstreamDomain"]),
    .library(name: "SlipstreamServiceRuntime", targets: ["SlipstreamServiceRuntime"]),
    .library(name: "SlipstreamPricing", targets: ["SlipstreamPricing"]),
    .library(name: "SlipstreamLedger", targets: ["SlipstreamLedger"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
  ],
  targets: [
    // C libraries: the only places C is imported. Each has a shim.h of static inline
    // wrappers for the macros Swift cannot import.
    .systemLibrary(
      name: "CNGHTTP2",
      pkgConfig: "libnghttp2",
      providers: [.apt(["libnghttp2-dev"])]
    ),
    .systemLibrary(
      name: "COpenSSL",
      pkgConfig: "openssl",
      providers: [.apt(["libssl-dev"])]
    ),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),

    // The shared wire codec: gRPC framing, status, timeouts, metadata, compression.
    .target(
      name: "SlipstreamWire",
      dependencies: ["CZlib"],
      swiftSettings: swiftSettings
    ),
    // Transport-agnostic RPC core: errors, metadata, methods, handlers, interceptors.
    .target(
      name: "SlipstreamRPC",
      dependencies: ["SlipstreamWire"],
      swiftSettings: swiftSettings
    ),
    // Generated protobuf messages for proto-spec/ and typed service stubs.
    .target(
      name: "SlipstreamAPI",
      dependencies: [
        "SlipstreamRPC",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    // The standard gRPC interoperability suite (grpc.testing): messages, stubs, test cases.
    .target(
      name: "SlipstreamInterop",
      dependencies: [
        "SlipstreamAPI",
        "SlipstreamRPC",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    // TLS on OpenSSL memory BIOs as a NIO handler.
    .target(
      name: "SlipstreamTLS",
      dependencies: [
        "COpenSSL",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // HTTP/2 on an nghttp2 session as a NIO handler.
    .target(
      name: "SlipstreamHTTP2",
      dependencies: [
        "CNGHTTP2",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // gRPC server and client over SlipstreamHTTP2 + SlipstreamTLS on NIO event loops.
    .target(
      name: "SlipstreamTransport",
      dependencies: [
        "SlipstreamRPC",
        "SlipstreamWire",
        "SlipstreamTLS",
        "SlipstreamHTTP2",
        "SlipstreamAPI",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // The trading domain: pure Swift, no I/O.
    .target(
      name: "SlipstreamDomain",
      dependencies: [],
      swiftSettings: swiftSettings
    ),
    // What every service executable shares: configuration (file, environment, flags),
    // logging, Prometheus metrics, TLS with development certificates, graceful shutdown.
    .target(
      name: "SlipstreamServiceRuntime",
      dependencies: [
        "SlipstreamRPC",
        "SlipstreamTLS",
        "SlipstreamTransport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // Alpaca's market-data websocket stream (auth, subscribe, quotes, error codes).
    .target(
      name: "SlipstreamAlpaca",
      dependencies: [
        "SlipstreamDomain",
        "SlipstreamTLS",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOWebSocket", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // The pricing service as a library: subscriptions, quote cache, fan-out, feeds, sharding.
    .target(
      name: "SlipstreamPricing",
      dependencies: [
        "SlipstreamDomain",
        "SlipstreamWire",
        "SlipstreamAPI",
        "SlipstreamRPC",
        "SlipstreamAlpaca",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    // The ledger service as a library: two-path trade ledger on SQLite or PostgreSQL.
    .target(
      name: "SlipstreamLedger",
      dependencies: [
        "SlipstreamDomain",
        "SlipstreamAPI",
        "SlipstreamRPC",
        .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "pricing-service",
      dependencies: ["SlipstreamPricing", "SlipstreamServiceRuntime", "SlipstreamTransport", "SlipstreamRPC"],
      path: "services/pricing-service",
      exclude: ["config.json"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "ledger-service",
      dependencies: ["SlipstreamLedger", "SlipstreamServiceRuntime", "SlipstreamTransport", "SlipstreamRPC"],
      path: "services/ledger-service",
      exclude: ["config.json", "README.md"],
      swiftSettings: swiftSettings
    ),

    // Benchmark server (Benchmarks/run.py drives it against peer implementations).
    .executableTarget(
      name: "slipstream-quotes-server",
      dependencies: [
        "SlipstreamRPC",
        "SlipstreamTLS",
        "SlipstreamTransport",
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      path: "Benchmarks/QuotesServer",
      swiftSettings: swiftSettings
    ),
    // Benchmark client: RPCClient + GRPCChannel against the quotes server or a peer.
    .executableTarget(
      name: "slipstream-quotes-client",
      dependencies: [
        "SlipstreamRPC",
        "SlipstreamTransport",
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Benchmarks/QuotesClient",
      swiftSettings: swiftSettings
    ),

    // Domain benchmarks: a program that prints figures (not a test).
    .executableTarget(
      name: "DomainBenchmarks",
      dependencies: ["SlipstreamDomain"],
      path: "Benchmarks/DomainBenchmarks",
      swiftSettings: swiftSettings
    ),

    // Pricing fan-out: quotes delivered per second and tick-to-subscriber latency over
    // loopback TLS; a program that prints figures (not a test).
    .executableTarget(
      name: "pricing-fanout",
      dependencies: [
        "SlipstreamPricing",
        "SlipstreamDomain",
        "SlipstreamAPI",
        "SlipstreamRPC",
        "SlipstreamTLS",
        "SlipstreamTransport",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      path: "Benchmarks/PricingFanout",
      swiftSettings: swiftSettings
    ),

    // Memory bounds of the gRPC server: RSS for idle connections, concurrent streams and
    // attacks, measured (a program that prints figures, not a test). It runs the python peers
    // of Tests/SlipstreamTransportTests/python/.
    .executableTarget(
      name: "memory-bounds",
      dependencies: [
        "SlipstreamRPC",
        "SlipstreamTestSupport",
        "SlipstreamTLS",
        "SlipstreamTransport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      path: "Benchmarks/MemoryBounds",
      swiftSettings: swiftSettings
    ),

    // libFuzzer target for the HTTP/2 frame layer, built by Tests/Fuzz/run-fuzz-http2.sh with
    // -DFUZZING and the fuzzer+address sanitizers; a plain build is a replay tool for its inputs.
    .executableTarget(
      name: "http2-fuzzer",
      dependencies: [
        "SlipstreamHTTP2",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
      ],
      path: "Tests/Fuzz/HTTP2Fuzzer",
      swiftSettings: swiftSettings
    ),

    // Ledger: durable trades/s and acknowledgement latency through the store with group
    // commit, on SQLite and PostgreSQL; a program that prints figures (not a test).
    .executableTarget(
      name: "ledger-bench",
      dependencies: [
        "SlipstreamLedger", "SlipstreamDomain", "SlipstreamAPI", "SlipstreamRPC", "SlipstreamTransport", "SlipstreamTLS",
        "SlipstreamWire", "SlipstreamHTTP2",
      ],
      path: "Benchmarks/LedgerBench",
      swiftSettings: swiftSettings
    ),

    // The gRPC interop suite's server and client, for runs against other gRPC implementations.
    .executableTarget(
      name: "interop-server",
      dependencies: ["SlipstreamInterop", "SlipstreamRPC", "SlipstreamTransport", "SlipstreamTLS"],
      path: "services/interop-server",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "interop-client",
      dependencies: ["SlipstreamInterop", "SlipstreamRPC", "SlipstreamTransport", "SlipstreamTLS"],
      path: "services/interop-client",
      swiftSettings: swiftSettings
    ),

    // What several test targets (and memory-bounds) share: one-shot and counting signals, a
    // string codec, a child-process runner.
    .target(
      name: "SlipstreamTestSupport",
      dependencies: ["SlipstreamRPC"],
      path: "Tests/SlipstreamTestSupport",
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamWireTests",
      dependencies: ["SlipstreamWire"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamRPCTests",
      dependencies: ["SlipstreamTestSupport", "SlipstreamRPC"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamAPITests",
      dependencies: ["SlipstreamAPI", "SlipstreamInterop", "SlipstreamWire"],
      // compat.py is run by the tests with python3, not built or bundled.
      exclude: ["python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamTLSTests",
      dependencies: [
        "SlipstreamTLS",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamHTTP2Tests",
      dependencies: [
        "SlipstreamHTTP2",
        "SlipstreamTestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOEmbedded", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamTransportTests",
      dependencies: ["SlipstreamTestSupport", 
        "SlipstreamTransport",
        "SlipstreamAPI",
        "SlipstreamTLS",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      // The hostile HTTP/2 peers are run by the tests with python3, not built or bundled.
      exclude: ["python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamDomainTests",
      dependencies: ["SlipstreamDomain", "SlipstreamTestSupport"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamInteropTests",
      dependencies: [
        "SlipstreamTestSupport",
        "SlipstreamInterop",
        "SlipstreamAPI",
        "SlipstreamRPC",
        "SlipstreamWire",
        "SlipstreamTransport",
        "SlipstreamTLS",
      ],
      // The Python interop peers are run by the tests with python3, not built or bundled.
      exclude: ["python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamServiceRuntimeTests",
      dependencies: ["SlipstreamTestSupport", 
        "SlipstreamServiceRuntime",
        "SlipstreamTransport",
        "SlipstreamTLS",
        "SlipstreamRPC",
        "SlipstreamAPI",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamAlpacaTests",
      dependencies: ["SlipstreamTestSupport", "SlipstreamAlpaca", "SlipstreamDomain", "SlipstreamTLS", "SlipstreamPricing"],
      // The Alpaca stand-in server is run by the tests with python3, not built or bundled.
      exclude: ["python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamPricingTests",
      dependencies: ["SlipstreamTestSupport", 
        "SlipstreamPricing",
        "SlipstreamDomain",
        "SlipstreamAPI",
        "SlipstreamRPC",
        "SlipstreamTransport",
        "SlipstreamTLS",
        "SlipstreamServiceRuntime",
      ],
      // The grpcio client is run by the tests with python3, not built or bundled.
      exclude: ["python"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "SlipstreamLedgerTests",
      dependencies: [
        "SlipstreamLedger", "SlipstreamDomain", "SlipstreamAPI", "SlipstreamRPC", "SlipstreamWire",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      // The throwaway PostgreSQL cluster scripts are run by CI, not built or bundled.
      exclude: ["postgres"],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "LedgerServiceTests",
      dependencies: ["SlipstreamTestSupport", "SlipstreamAPI", "SlipstreamRPC", "SlipstreamWire", "SlipstreamTransport", "SlipstreamTLS"],
      // The grpcio client is run by the tests with python3, not built or bundled.
      exclude: ["python"],
      swiftSettings: swiftSettings
    ),
  ]
)
