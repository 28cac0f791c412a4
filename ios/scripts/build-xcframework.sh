#!/usr/bin/env bash
# Builds the Rust core (fieldbook-bindings) as static libraries for iOS
# devices, the simulator (Apple silicon and Intel, in one universal library)
# and macOS (likewise), generates the Swift bindings from that very build
# (uniffi library mode), and packs
#   ios/FieldbookKit/FieldbookCoreFFI.xcframework          (libfieldbook.a + header + module map)
#   ios/FieldbookKit/Sources/FieldbookFFI/FieldbookFFI.swift
# for the FieldbookKit Swift package. Neither is committed (ios/.gitignore).
#
# Needs macOS with Xcode (xcodebuild, lipo) and rustup with the targets
# aarch64-apple-ios, aarch64-apple-ios-sim, x86_64-apple-ios,
# aarch64-apple-darwin and x86_64-apple-darwin (the script names the missing ones).
# Usage: ios/scripts/build-xcframework.sh [--no-macos] [--no-intel]
#   --no-macos  skip the macOS slice (then FieldbookKit's tests run only in
#               the simulator, through xcodebuild, not with `swift test`).
#   --no-intel  skip the x86_64 slices (simulator and macOS), which only an
#               Intel Mac needs: two builds of the core fewer.
set -euo pipefail

ios_dir="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ios_dir/.." && pwd)"
kit="$ios_dir/FieldbookKit"

with_macos=1
with_intel=1
for arg in "$@"; do
    case "$arg" in
        --no-macos) with_macos=0 ;;
        --no-intel) with_intel=0 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "unknown argument: $arg (try --help)" >&2; exit 2 ;;
    esac
done

fail() { echo "build-xcframework: $*" >&2; exit 1; }

[ "$(uname -s)" = Darwin ] ||
    fail "this needs macOS with Xcode; on $(uname -s) build and test the core with scripts/test.sh instead."
command -v xcodebuild >/dev/null && xcodebuild -version >/dev/null 2>&1 ||
    fail "xcodebuild not found or not set up: install Xcode and run 'sudo xcode-select -s /Applications/Xcode.app'."
command -v cargo >/dev/null || fail "cargo not found: install Rust with rustup (https://rustup.rs)."
command -v rustup >/dev/null || fail "rustup not found: the Apple targets are installed with rustup."

# One library per platform in the xcframework: the simulator's and the
# Mac's are universal (arm64 and x86_64) unless --no-intel.
simulator=(aarch64-apple-ios-sim)
macos=(aarch64-apple-darwin)
if [ "$with_intel" = 1 ]; then
    simulator+=(x86_64-apple-ios)
    macos+=(x86_64-apple-darwin)
fi
targets=(aarch64-apple-ios "${simulator[@]}")
[ "$with_macos" = 1 ] && targets+=("${macos[@]}")
installed="$(rustup target list --installed)"
missing=()
for t in "${targets[@]}"; do
    grep -qx "$t" <<<"$installed" || missing+=("$t")
done
[ "${#missing[@]}" = 0 ] ||
    fail "missing Rust targets: ${missing[*]}; install them with: rustup target add ${missing[*]}"

cd "$root"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
# Match the app's and the package's minimum versions, so the linker does not
# warn about objects built for newer systems.
export IPHONEOS_DEPLOYMENT_TARGET=17.0
export MACOSX_DEPLOYMENT_TARGET=14.0

for t in "${targets[@]}"; do
    echo "==> cargo build --release --target $t -p fieldbook-bindings"
    cargo build --release --target "$t" -p fieldbook-bindings --lib
done
# The host build gives uniffi-bindgen and the library it reads the interface
# from (the same sources as the iOS slices; the dylib is what
# scripts/bindings.sh reads too).
echo "==> cargo build --release -p fieldbook-bindings (uniffi-bindgen)"
cargo build --release -p fieldbook-bindings --lib --bin uniffi-bindgen

work="$ios_dir/build/xcframework"
rm -rf "$work"
mkdir -p "$work/swift" "$work/include"
"$target_dir/release/uniffi-bindgen" generate \
    --library "$target_dir/release/libfieldbook.dylib" \
    --language swift --out-dir "$work/swift"

# An xcframework's headers carry the module map under the name Clang looks for.
cp "$work/swift/FieldbookCoreFFI.h" "$work/include/"
cp "$work/swift/FieldbookCoreFFI.modulemap" "$work/include/module.modulemap"

# Slices of one platform are joined with lipo: an xcframework takes one
# library per platform.
universal() {
    local name=$1
    shift
    local libs=()
    for t in "$@"; do libs+=("$target_dir/$t/release/libfieldbook.a"); done
    mkdir -p "$work/$name"
    lipo -create "${libs[@]}" -output "$work/$name/libfieldbook.a"
    echo "$work/$name/libfieldbook.a"
}
args=(-library "$target_dir/aarch64-apple-ios/release/libfieldbook.a" -headers "$work/include")
args+=(-library "$(universal ios-simulator "${simulator[@]}")" -headers "$work/include")
if [ "$with_macos" = 1 ]; then
    args+=(-library "$(universal macos "${macos[@]}")" -headers "$work/include")
fi
rm -rf "$kit/FieldbookCoreFFI.xcframework"
xcodebuild -create-xcframework "${args[@]}" -output "$kit/FieldbookCoreFFI.xcframework"

# Git keeps no empty folder: the target's folder exists once this runs.
mkdir -p "$kit/Sources/FieldbookFFI"
cp "$work/swift/FieldbookFFI.swift" "$kit/Sources/FieldbookFFI/FieldbookFFI.swift"
echo "built $kit/FieldbookCoreFFI.xcframework (${targets[*]})"
echo "and $kit/Sources/FieldbookFFI/FieldbookFFI.swift"
