// swift-tools-version: 6.1
// The framework's floor for a cache miss (scripts/bench-hits.sh with MISSFLOOR=1; docs/performance.md): the
// least a Hummingbird 2 server can do to pass a GET on over AsyncHTTPClient. Built only by the benchmark.
import PackageDescription

let package = Package(
    name: "missfloor",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
    ],
    targets: [
        .executableTarget(
            name: "missfloor",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ]
        )
    ]
)
