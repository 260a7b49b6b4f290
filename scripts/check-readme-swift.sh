#!/usr/bin/env bash
# Compiles every ```swift block of README.md (and of the DocC articles) on its own, as an embedder would paste it:
# each block becomes the main.swift of an executable target in a scratch package that depends on this checkout by
# path. A warning in a block fails too.
#
#   scripts/check-readme-swift.sh [SCRATCH-DIR]     (default: .build-readme/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
checkout="$PWD"
scratch="${1:-$checkout/.build-readme}"
mkdir -p "$scratch"
rm -rf "$scratch/Sources"

count="$(python3 - "$scratch" "$checkout" README.md Sources/CloudTrailVerify/CloudTrailVerify.docc/*.md <<'PYTHON'
import os, re, sys
scratch, checkout, *documents = sys.argv[1:]
blocks = []
for document in documents:
    blocks += re.findall(r"^```swift\n(.*?)^```", open(document).read(), re.M | re.S)
targets = []
for number, block in enumerate(blocks, 1):
    name = f"ReadmeBlock{number}"
    os.makedirs(f"{scratch}/Sources/{name}")
    open(f"{scratch}/Sources/{name}/main.swift", "w").write(block)
    targets.append(f'        .executableTarget(name: "{name}", dependencies: [.product(name: "CloudTrailVerify", package: "cloudtrail-verify")]),')
open(f"{scratch}/Package.swift", "w").write(f"""// swift-tools-version: 6.1
// Written by scripts/check-readme-swift.sh: one target per ```swift block of README.md.
import PackageDescription

let package = Package(
    name: "readme-blocks",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cloudtrail-verify", path: {checkout!r})],
    targets: [
{chr(10).join(targets)}
    ],
    swiftLanguageModes: [.v6]
)
""".replace("'", '"'))
print(len(blocks))
PYTHON
)"
if [[ "$count" -eq 0 ]]; then
    echo "README.md has no \`\`\`swift block" >&2
    exit 1
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
if ! swift build --package-path "$scratch" >"$log" 2>&1; then
    grep -E "error:" "$log" | head -n 40 >&2
    echo "a swift block of the README or the DocC articles does not compile (see $scratch/Sources)" >&2
    exit 1
fi
if grep -E "^/.*/Sources/ReadmeBlock[0-9]+/.*: warning:" "$log"; then
    echo "a README swift block compiles with warnings" >&2
    exit 1
fi
echo "README.md and the DocC articles: $count swift blocks compile"
