// swift-tools-version:6.1
import PackageDescription

/// One set of compiler settings for every target: Swift 6 language mode, strict concurrency.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Orchestrator",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "orchestrator-auth", targets: ["AuthService"]),
        .executable(name: "orchestrator-tasks", targets: ["TasksService"]),
        .executable(name: "orchestrator-scheduler", targets: ["SchedulerService"]),
        .executable(name: "orchestrator-notifier", targets: ["NotifierService"]),
        .executable(name: "orchestrator-analytics", targets: ["AnalyticsService"]),
        .executable(name: "orchestrator-backbone-bench", targets: ["BackboneBench"]),
        .executable(name: "orchestrator", targets: ["OrchestratorCLI"]),
        .executable(name: "orchestrator-openapi", targets: ["OpenAPIBundler"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client.git", from: "1.5.0"),
    ],
    targets: [
        // C libraries, through the system's pkg-config files (Debian: librabbitmq-dev, libhiredis-dev).
        .systemLibrary(
            name: "CRabbitMQ", path: "Libraries/CRabbitMQ", pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        .systemLibrary(
            name: "CHiredis", path: "Libraries/CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),

        // Capabilities shared by the services.
        .target(
            name: "EventContracts", path: "Libraries/EventContracts", swiftSettings: swiftSettings
        ),
        .target(
            name: "Resilience",
            dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
            path: "Libraries/Resilience", swiftSettings: swiftSettings
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "CRabbitMQ", "EventContracts", "Resilience",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Libraries/Messaging", swiftSettings: swiftSettings
        ),
        .target(
            name: "Tokens",
            dependencies: ["EventContracts", .product(name: "Crypto", package: "swift-crypto")],
            path: "Libraries/Tokens", swiftSettings: swiftSettings
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "Resilience",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Libraries/Telemetry", swiftSettings: swiftSettings
        ),
        .target(
            name: "EventBackbone",
            dependencies: [
                "EventContracts", "Messaging", "Persistence", "Resilience", "Telemetry",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Libraries/EventBackbone", swiftSettings: swiftSettings
        ),
        .target(
            name: "Persistence",
            dependencies: [
                "Resilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Libraries/Persistence", swiftSettings: swiftSettings
        ),
        .target(
            name: "KeyValueStore",
            dependencies: [
                "CHiredis", "Resilience",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Libraries/KeyValueStore", swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceRuntime",
            dependencies: [
                "Messaging", "Persistence", "KeyValueStore", "EventBackbone", "EventContracts", "Resilience", "Tokens", "Telemetry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Libraries/ServiceRuntime",
            // What every service's OpenAPI document shares (docs/api.md).
            resources: [.copy("OpenAPI/common.yaml")],
            swiftSettings: swiftSettings
        ),

        // Typed clients of the five services' HTTP APIs, generated from their documents by
        // Tools/openapi/generate (docs/api.md) and committed: no build runs the generator.
        .target(
            name: "AuthAPI", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Libraries/API/AuthAPI"
        ),
        .target(
            name: "TasksAPI", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Libraries/API/TasksAPI"
        ),
        .target(
            name: "SchedulerAPI", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Libraries/API/SchedulerAPI"
        ),
        .target(
            name: "NotifierAPI", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Libraries/API/NotifierAPI"
        ),
        .target(
            name: "AnalyticsAPI", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            path: "Libraries/API/AnalyticsAPI"
        ),

        // The five services.
        .executableTarget(
            name: "AuthService",
            dependencies: [
                "ServiceRuntime", "EventBackbone", "EventContracts", "Persistence", "Tokens", "AuthAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/auth",
            // Its HTTP contract, served at /openapi.json (docs/api.md).
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TasksService",
            dependencies: [
                "ServiceRuntime", "EventBackbone", "EventContracts", "Messaging", "Persistence", "Tokens", "TasksAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/tasks",
            // Its HTTP contract, served at /openapi.json (docs/api.md).
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SchedulerService",
            dependencies: [
                "SchedulerAPI", "ServiceRuntime", "EventBackbone", "EventContracts", "Persistence", "KeyValueStore", "Tokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/scheduler",
            // Its HTTP contract, served at /openapi.json (docs/api.md).
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "NotifierService",
            dependencies: [
                "ServiceRuntime", "EventBackbone", "EventContracts", "Messaging", "Persistence", "Resilience", "KeyValueStore",
                "Tokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/notifier",
            // Its HTTP contract, served at /openapi.json (docs/api.md).
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "AnalyticsService",
            dependencies: [
                "AnalyticsAPI", "ServiceRuntime", "EventBackbone", "EventContracts", "Persistence", "Tokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/analytics",
            // Its HTTP contract, served at /openapi.json (docs/api.md).
            resources: [.copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),

        // Sequenced events and a probe schema, shared by the backbone's tests and its benchmark.
        .target(
            name: "BackboneProbe",
            dependencies: [
                "EventBackbone", "Messaging", "Persistence",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/BackboneProbe", swiftSettings: swiftSettings
        ),

        // Benchmarks (docs/benchmarks.md), also the roles the failure tests run as processes.
        .executableTarget(
            name: "BackboneBench",
            dependencies: [
                "BackboneProbe", "EventBackbone", "KeyValueStore", "Messaging", "Persistence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Benchmarks/BackboneBench", swiftSettings: swiftSettings
        ),

        // Tests: pure logic without I/O, and integration tests against the real servers that
        // `compose/local test` starts on loopback.
        .executableTarget(
            name: "OrchestratorCLI",
            dependencies: [
                "AuthAPI", "TasksAPI", "SchedulerAPI", "NotifierAPI", "AnalyticsAPI", "EventContracts",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tools/cli",
            swiftSettings: swiftSettings
        ),
        // Bundles a service's document as the service serves it, for Tools/openapi/generate.
        .executableTarget(
            name: "OpenAPIBundler", dependencies: ["ServiceRuntime"], path: "Tools/openapi", exclude: ["generate"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceRuntimeTests",
            dependencies: [
                "ServiceRuntime", "ScratchDatabase", "Persistence", "EventBackbone", "EventContracts", "Tokens",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ServiceRuntimeTests", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TelemetryTests", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventContractsTests", dependencies: ["EventContracts"], path: "Tests/EventContractsTests",
            resources: [.copy("Fixtures")], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuthServiceTests",
            dependencies: [
                "AuthService", "ServiceRuntime", "AuthAPI", "EventContracts", "RouteTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/AuthServiceTests",
            swiftSettings: swiftSettings
        ),
        // A database of its own for each integration test of a service's statements.
        .target(
            name: "ScratchDatabase",
            dependencies: [
                "Persistence", .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ScratchDatabase", swiftSettings: swiftSettings
        ),
        // Calling a service's routes in process, as a client would (the controller tests).
        .target(
            name: "RouteTesting",
            dependencies: [
                "EventContracts", "ServiceRuntime", "Tokens",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/RouteTesting", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TasksServiceTests",
            dependencies: [
                "TasksService", "TasksAPI", "EventContracts", "Persistence", "RouteTesting", "ScratchDatabase", "ServiceRuntime",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/TasksServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NotifierServiceTests",
            dependencies: [
                "NotifierService", "ServiceRuntime", "NotifierAPI", "Resilience", "RouteTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/NotifierServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulerServiceTests",
            dependencies: [
                "SchedulerService", "SchedulerAPI", "EventBackbone", "EventContracts", "KeyValueStore", "Persistence", "Resilience",
                "RouteTesting", "ScratchDatabase", "ServiceRuntime", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/SchedulerServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AnalyticsServiceTests",
            dependencies: [
                "AnalyticsService", "ServiceRuntime", "AnalyticsAPI", "RouteTesting",
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/AnalyticsServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BackboneTests",
            dependencies: [
                "BackboneProbe", "EventBackbone", "EventContracts", "Messaging", "Persistence", "Resilience", "Telemetry",
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            path: "Tests/BackboneTests", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TokensTests", dependencies: ["Tokens"], path: "Tests/TokensTests", swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ResilienceTests", dependencies: ["Resilience"], path: "Tests/ResilienceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PersistenceTests", dependencies: ["Persistence", "Resilience"], path: "Tests/PersistenceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MessagingTests", dependencies: ["Messaging"], path: "Tests/MessagingTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KeyValueStoreTests", dependencies: ["KeyValueStore"], path: "Tests/KeyValueStoreTests",
            swiftSettings: swiftSettings
        ),
    ]
)
