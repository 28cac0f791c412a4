#!/usr/bin/env bash
# Builds the Rust core (fieldbook-bindings) as static libraries for iOS
# devices, the Apple-silicon simulator and macOS, generates the Swift
# bindings from that very build (uniffi library mode), and packs
#   ios/FieldbookKit/FieldbookCoreFFI.xcframework          (libfieldbook.a + header + module map)
#   ios/FieldbookKit/Sources/FieldbookFFI/FieldbookFFI.swift
# for the FieldbookKit Swift package. Neither is committed (ios/.gitignore).
#
# Needs macOS with Xcode (xcodebuild) and rustup with the targets
# aarch64-apple-ios, aarch64-apple-ios-sim and aarch64-apple-darwin.
# Usage: ios/scripts/build-xcframework.sh [--no-macos]
#   --no-macos  skip the macOS slice (then FieldbookKit's tests run only in
#               the simulator, through xcodebuild, not with `swift test`).
set -euo pipefail

ios_dir="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$ios_dir/.." && pwd)"
kit="$ios_dir/FieldbookKit"

with_macos=1
for arg in "$@"; do
    case "$arg" in
        --no-macos) with_macos=0 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
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

targets=(aarch64-apple-ios aarch64-apple-ios-sim)
[ "$with_macos" = 1 ] && targets+=(aarch64-apple-darwin)
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

args=()
for t in "${targets[@]}"; do
    args+=(-library "$target_dir/$t/release/libfieldbook.a" -headers "$work/include")
done
rm -rf "$kit/FieldbookCoreFFI.xcframework"
xcodebuild -create-xcframework "${args[@]}" -output "$kit/FieldbookCoreFFI.xcframework"

# Git keeps no empty folder: the target's folder exists once this runs.
mkdir -p "$kit/Sources/FieldbookFFI"
cp "$work/swift/FieldbookFFI.swift" "$kit/Sources/FieldbookFFI/FieldbookFFI.swift"
echo "built $kit/FieldbookCoreFFI.xcframework (${targets[*]})"
echo "and $kit/Sources/FieldbookFFI/FieldbookFFI.swift"
