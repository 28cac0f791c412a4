#!/usr/bin/env bash
# Compiles the generated bindings and the Android app's plain-Kotlin state
# holders once, into target/kotlin/main: the Kotlin tests, the shared
# Compose screens and the desktop app all build on these classes. Skips the
# compile when the sources have not changed since the last one.
# Expects the bindings in target/bindings/kotlin (scripts/bindings.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh

bindings=$target/bindings/kotlin
[ -s "$bindings/org/fieldbook/ffi/fieldbook.kt" ] || { echo "error: no bindings in $bindings: run scripts/bindings.sh" >&2; exit 1; }
out=$target/kotlin/main
sources=("$bindings" android/state/src/main/kotlin)
if fresh "$out" "$KOTLIN_VERSION" "${sources[@]}"; then
    echo "bindings and state holders: up to date ($out)"
    exit 0
fi
log "kotlin: compile the bindings and the state holders"
rm -rf "$out" && mkdir -p "$out"
"$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 \
    -cp "/usr/share/java/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar" \
    -d "$out/classes" "${sources[@]}"
stamp "$out" "$KOTLIN_VERSION" "${sources[@]}"
