// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "cloudtrail-verify",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CloudTrailVerify", targets: ["CloudTrailVerify"]),
        .executable(name: "cloudtrail-verify", targets: ["cloudtrail-verify"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Thin system-library targets: the only places C headers enter the build.
        .systemLibrary(
            name: "CCloudTrailOpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CCloudTrailZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        .systemLibrary(name: "CCloudTrailSystem"),
        .target(
            name: "CloudTrailVerify",
            dependencies: ["CCloudTrailOpenSSL", "CCloudTrailZlib", "CCloudTrailSystem"]
        ),
        .executableTarget(
            name: "cloudtrail-verify",
            dependencies: [
                "CloudTrailVerify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CloudTrailVerifyTests",
            dependencies: ["CloudTrailVerify"]
        ),
        .testTarget(
            name: "cloudtrail-verifyTests",
            dependencies: ["cloudtrail-verify", "CloudTrailVerify"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
