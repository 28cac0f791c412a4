#!/usr/bin/env bash
# Builds the Rust core (fieldbook-bindings) for the Android ABIs with cargo-ndk
# into the state module's jniLibs, and generates the Kotlin bindings from that
# very library into the module's generated source dir (never committed):
#   android/state/src/main/jniLibs/{arm64-v8a,armeabi-v7a,x86_64}/libfieldbook.so
#   android/state/src/generated/kotlin/org/fieldbook/ffi/fieldbook.kt
# For machines with the Android NDK (Android Studio: SDK Manager > SDK Tools >
# NDK (Side by side)). Usage: android/scripts/build-native.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { printf 'build-native: %s\n' "$*" >&2; exit 1; }

abis=(arm64-v8a armeabi-v7a x86_64)
rust_targets=(aarch64-linux-android armv7-linux-androideabi x86_64-linux-android)
jni_libs=android/state/src/main/jniLibs
generated=android/state/src/generated/kotlin
target=${CARGO_TARGET_DIR:-target}

# The NDK: ANDROID_NDK_HOME, ANDROID_NDK_ROOT, or the newest under the SDK.
ndk=${ANDROID_NDK_HOME:-${ANDROID_NDK_ROOT:-}}
sdk=${ANDROID_HOME:-${ANDROID_SDK_ROOT:-$HOME/Android/Sdk}}
if [ -z "$ndk" ] && [ -d "$sdk/ndk" ]; then
    ndk=$(find "$sdk/ndk" -mindepth 1 -maxdepth 1 -type d | sort -V | tail -n 1)
fi
if [ -z "$ndk" ] || ! [ -d "$ndk/toolchains/llvm" ]; then
    fail "no Android NDK found. Install it (Android Studio: SDK Manager > SDK Tools > NDK) and set ANDROID_NDK_HOME to its directory, e.g. \$ANDROID_HOME/ndk/27.2.12479018"
fi
export ANDROID_NDK_HOME=$ndk

command -v cargo >/dev/null 2>&1 || fail "cargo not found: install Rust with rustup (https://rustup.rs)"
command -v cargo-ndk >/dev/null 2>&1 || fail "cargo-ndk not found: cargo install cargo-ndk"
installed=$(rustup target list --installed 2>/dev/null || true)
missing=()
for t in "${rust_targets[@]}"; do
    grep -qx "$t" <<<"$installed" || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] || fail "Rust targets missing: rustup target add ${missing[*]}"

targets=()
for abi in "${abis[@]}"; do targets+=(-t "$abi"); done
echo "== core for ${abis[*]} (NDK $ndk)"
cargo ndk "${targets[@]}" -o "$jni_libs" build --release -p fieldbook-bindings --lib

# The generator runs on this machine; it reads the API from the built library.
echo "== Kotlin bindings"
cargo build --release -p fieldbook-bindings --bin uniffi-bindgen
rm -rf "$generated"
"$target/release/uniffi-bindgen" generate --library "$target/aarch64-linux-android/release/libfieldbook.so" \
    --language kotlin --out-dir "$generated" --no-format
echo "bindings in $generated, libraries in $jni_libs"
