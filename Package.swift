// swift-tools-version: 6.1
import PackageDescription

/// `#if CLOUDTRAIL_ISAL` in the library (which inflater it builds) and in its tests (which backends they compare).
let isalDefine: [SwiftSetting] = [.define("CLOUDTRAIL_ISAL", .when(traits: ["ISAL"]))]

let package = Package(
    name: "cloudtrail-verify",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CloudTrailVerify", targets: ["CloudTrailVerify"]),
        .executable(name: "cloudtrail-verify", targets: ["cloudtrail-verify"]),
    ],
    traits: [
        // Off by default: the default build needs nothing beyond OpenSSL and zlib.
        .trait(
            name: "ISAL",
            description: "Inflate logs with ISA-L's igzip (libisal-dev) instead of zlib; zlib stays the reference "
                + "that decides every stream igzip rejects."
        ),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target CloudTrailVerify` builds the DocC catalogue; no code uses it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
        // Only with the ISAL trait: without it this target is neither resolved nor linked.
        .systemLibrary(
            name: "CCloudTrailISAL",
            pkgConfig: "libisal",
            providers: [.apt(["libisal-dev"])]
        ),
        .target(
            name: "CloudTrailVerify",
            dependencies: [
                "CCloudTrailOpenSSL", "CCloudTrailZlib", "CCloudTrailSystem",
                .target(name: "CCloudTrailISAL", condition: .when(traits: ["ISAL"])),
            ],
            swiftSettings: isalDefine
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
            dependencies: ["CloudTrailVerify"],
            swiftSettings: isalDefine
        ),
        .testTarget(
            name: "cloudtrail-verifyTests",
            dependencies: ["cloudtrail-verify", "CloudTrailVerify"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
