// swift-tools-version: 6.0
// libFuzzer targets for the parsers that take untrusted bytes. A package of its own so that the gateway's
// normal build never links them (they need -sanitize=fuzzer); run them with scripts/fuzz.sh.
import PackageDescription

let fuzzTarget: (String, [Target.Dependency]) -> Target = { name, dependencies in
    .executableTarget(name: name, dependencies: ["FuzzDriver"] + dependencies, path: "Sources/\(name)")
}

let package = Package(
    name: "BioGatewayFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "biogateway", path: "..")],
    targets: [
        .target(name: "FuzzDriver", path: "Sources/FuzzDriver"),
        fuzzTarget("FuzzJSONParser", [.product(name: "BioGatewayJSON", package: "biogateway")]),
        fuzzTarget(
            "FuzzFormParameters",
            [.product(name: "BioGatewayJSON", package: "biogateway"), .product(name: "BioGatewayQuery", package: "biogateway")]
        ),
        fuzzTarget(
            "FuzzNHMQuery",
            [.product(name: "BioGatewayJSON", package: "biogateway"), .product(name: "BioGatewayQuery", package: "biogateway")]
        ),
        fuzzTarget(
            "FuzzRecordQuery",
            [
                .product(name: "BioGatewayJSON", package: "biogateway"),
                .product(name: "BioGatewayQuery", package: "biogateway"),
                .product(name: "BioGatewayRecords", package: "biogateway"),
            ]
        ),
        fuzzTarget(
            "FuzzVertNetQuery",
            [.product(name: "BioGatewayJSON", package: "biogateway"), .product(name: "BioGatewayQuery", package: "biogateway")]
        ),
    ]
)
