// swift-tools-version:5.9
// FieldbookKit: the Rust core (as an xcframework), its generated Swift
// bindings, and the app's view models over them. `scripts/build-xcframework.sh`
// builds the first two; they are not committed.
import PackageDescription

let package = Package(
    name: "FieldbookKit",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "FieldbookKit", targets: ["FieldbookKit"]),
    ],
    targets: [
        // libfieldbook.a for iOS devices, the simulator and macOS (the last
        // so that `swift test` runs on a Mac), with the C header and module map.
        .binaryTarget(
            name: "FieldbookCoreFFI",
            path: "FieldbookCoreFFI.xcframework"
        ),
        // The uniffi-generated FieldbookFFI.swift, copied in by the script.
        .target(
            name: "FieldbookFFI",
            dependencies: ["FieldbookCoreFFI"],
            path: "Sources/FieldbookFFI",
            linkerSettings: [
                // A static library carries no link dependencies: the core's
                // time zone lookup uses CoreFoundation, its TLS stack Security.
                .linkedFramework("CoreFoundation"),
                .linkedFramework("Security"),
            ]
        ),
        .target(
            name: "FieldbookKit",
            dependencies: ["FieldbookFFI"]
        ),
        .testTarget(
            name: "FieldbookKitTests",
            dependencies: ["FieldbookKit"]
        ),
    ]
)
