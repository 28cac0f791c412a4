#!/usr/bin/env bash
# Builds the core's library (bindings/, debug unless FIELDBOOK_PROFILE=release)
# and generates its Kotlin and Swift bindings from that very library (uniffi
# library mode), so the bindings never drift from the code:
#   target/bindings/kotlin/org/fieldbook/ffi/fieldbook.kt
#   target/bindings/swift/{FieldbookFFI.swift, FieldbookCoreFFI.h, FieldbookCoreFFI.modulemap}
# Usage: scripts/bindings.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

profile=${FIELDBOOK_PROFILE:-debug}
target=${CARGO_TARGET_DIR:-target}
if [ "$profile" = release ]; then
    cargo build --release -p fieldbook-bindings --lib --bin uniffi-bindgen
else
    # Every target, as `cargo test` builds them: the same feature set, so
    # after the tests this only links the library (no second build of the
    # dependencies), and the hub the Kotlin tests start is built too.
    cargo build --all-targets
fi

case "$(uname -s)" in
    Darwin) lib="$target/$profile/libfieldbook.dylib" ;;
    *) lib="$target/$profile/libfieldbook.so" ;;
esac
out=${1:-$target/bindings}
rm -rf "$out/kotlin" "$out/swift"
for language in kotlin swift; do
    "$target/$profile/uniffi-bindgen" generate --library "$lib" \
        --language "$language" --out-dir "$out/$language" --no-format
done
for file in "$out/kotlin/org/fieldbook/ffi/fieldbook.kt" "$out/swift/FieldbookFFI.swift" "$out/swift/FieldbookCoreFFI.h"; do
    [ -s "$file" ] || { echo "error: uniffi-bindgen did not write $file" >&2; exit 1; }
done
echo "bindings generated from $lib in $out"
