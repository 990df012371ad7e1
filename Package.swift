// swift-tools-version: 6.2
import Foundation
import PackageDescription

/// Settings every Gantry target shares: Swift 6 language mode (strict concurrency) and
/// honest imports, so a module's public surface says exactly what it exposes.
/// `scripts/test` sets GANTRY_STRICT=1 so that any warning fails the build there.
var strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]
if Context.environment["GANTRY_STRICT"] == "1" {
    strict.append(.treatAllWarnings(as: .error))
}

/// How release builds on Linux are linked. They are the binary teams copy onto their runners,
/// built with `--static-swift-stdlib` (docs/install.md), and the static Swift
/// runtime would otherwise export every symbol of the program: tens of thousands of names the
/// dynamic loader pages in at start-up and a long-running `gantry serve` keeps resident.
/// lld lays read-only data apart from code, which keeps what is paged in smaller still
/// (docs/benchmarks.md).
let releaseLinking: [LinkerSetting] = [
    .unsafeFlags(["-use-ld=lld", "-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release)),
]

/// What `gantry version` reports of the build: the version (the file VERSION, which the
/// action, the release workflow and the scripts read too), the commit of this checkout
/// (SwiftPM reads it from git) and the build date, SOURCE_DATE_EPOCH as reproducible builds
/// define it (the scripts set it to the commit's time). Defines of one small C file, so a new
/// commit recompiles that file and relinks, nothing more.
let version = (try? String(contentsOfFile: Context.packageDirectory + "/VERSION", encoding: .utf8))?
    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "0.0.0"
var buildInfo: [CSetting] = [.define("GANTRY_BUILD_VERSION", to: "\"\(version)\"")]
if let git = Context.gitInformation {
    buildInfo.append(.define("GANTRY_BUILD_COMMIT", to: "\"\(git.currentCommit)\(git.hasUncommittedChanges ? "-dirty" : "")\""))
}
if let epoch = Context.environment["SOURCE_DATE_EPOCH"], !epoch.isEmpty, epoch.allSatisfy(\.isNumber) {
    buildInfo.append(.define("GANTRY_BUILD_EPOCH", to: "\"\(epoch)\""))
}

let package = Package(
    name: "gantry",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gantry", targets: ["gantry"]),
        .executable(name: "gantry-lease-guard", targets: ["gantry-lease-guard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The pure core: configuration model, plan, state machine, policies, masking.
        // Foundation and a YAML parser only; no files, sockets, processes or clocks of its own.
        .target(
            name: "GantryCore",
            dependencies: [.product(name: "Yams", package: "Yams"), .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict
        ),
        // State stores behind the core's `StateStore` protocol.
        .target(
            name: "GantryStore",
            dependencies: [
                "GantryCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The lease guard: stops a command when its holder stops confirming the lease. No
        // Foundation, so the small executable below starts in about a millisecond.
        .target(name: "CGantryGuard"),
        .target(name: "GantryLeaseGuard", dependencies: ["CGantryGuard"], swiftSettings: strict),
        .executableTarget(
            name: "gantry-lease-guard",
            dependencies: ["GantryLeaseGuard"],
            swiftSettings: strict,
            linkerSettings: releaseLinking
        ),
        // Runs the user's commands: argv, process groups, timeouts, masked streaming.
        .target(
            name: "GantryExec",
            dependencies: [
                "GantryCore", "GantryLeaseGuard",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Health probes over the network and of the machine: HTTP, TCP, PostgreSQL, Redis,
        // nginx, Prometheus, disk, memory.
        .target(
            name: "GantryProbes",
            dependencies: [
                "GantryCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // What a person or a CI log sees: progress lines, colour, GitHub Actions commands.
        .target(
            name: "GantryTerminal",
            dependencies: ["GantryCore", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strict
        ),
        // Metrics: the snapshot of what the store and the probes know, exposed through
        // swift-metrics and swift-prometheus; the textfile writer; dashboard and alert rules.
        .target(
            name: "GantryTelemetry",
            dependencies: [
                "GantryCore",
                .product(name: "Yams", package: "Yams"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        // `gantry serve`: the exporter, the status API and page, the polling loops.
        .target(
            name: "GantryServe",
            dependencies: [
                "GantryCore", "GantryTelemetry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(name: "CGantryBuildInfo", cSettings: buildInfo),
        // The thin command line: parses, wires adapters into the core, prints.
        .executableTarget(
            name: "gantry",
            dependencies: [
                "GantryCore", "GantryStore", "GantryExec", "GantryProbes", "GantryTerminal", "GantryTelemetry", "GantryServe", "CGantryBuildInfo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            linkerSettings: releaseLinking
        ),
        .testTarget(name: "GantryCoreTests", dependencies: ["GantryCore", "GantryTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "GantryStoreTests",
            dependencies: [
                "GantryCore", "GantryStore", "GantryTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "GantryLeaseGuardTests", dependencies: ["GantryLeaseGuard", "GantryCore"], swiftSettings: strict),
        // The lease simulator: the product's lease decisions in a simulated world of runners,
        // guards, a store and faults (`scripts/simulate`). Not shipped.
        .target(name: "GantrySimulation", dependencies: ["GantryCore", "GantryLeaseGuard"], swiftSettings: strict),
        .executableTarget(
            name: "gantry-simulate",
            dependencies: ["GantrySimulation", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .testTarget(name: "GantrySimulationTests", dependencies: ["GantrySimulation", "GantryCore"], swiftSettings: strict),
        .testTarget(
            name: "GantryExecTests",
            dependencies: ["GantryCore", "GantryExec"],
            swiftSettings: strict
        ),
        // What several test targets need: loopback peers that accept and never answer, and
        // the in-memory state store (run through the store contract suite).
        .target(name: "GantryTestSupport", dependencies: ["GantryCore"], path: "Tests/GantryTestSupport", swiftSettings: strict),
        .testTarget(
            name: "GantryProbesTests",
            dependencies: ["GantryCore", "GantryProbes", "GantryExec", "GantryTestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GantryTelemetryTests",
            dependencies: ["GantryCore", "GantryTelemetry"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GantryServeTests",
            dependencies: [
                "GantryCore", "GantryTelemetry", "GantryServe",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "GantryIntegrationTests",
            dependencies: ["GantryCore", "GantryStore", "GantryTestSupport"],
            swiftSettings: strict
        ),
    ]
)
