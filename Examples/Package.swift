// swift-tools-version: 6.1
import PackageDescription

// Examples that use the CloudTrailVerify library the way an embedder does: through its public API only.
// CI builds this package (`swift build --package-path Examples`).
let package = Package(
    name: "cloudtrail-verify-examples",
    platforms: [.macOS(.v15)],
    dependencies: [
        // The checkout this folder is in. An embedder writes its path or URL instead (see the README).
        .package(name: "cloudtrail-verify", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "compliance-check",
            dependencies: [.product(name: "CloudTrailVerify", package: "cloudtrail-verify")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
