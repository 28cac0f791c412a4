#!/usr/bin/env bash
# Builds the desktop app (what is missing) and starts it; arguments go to the
# app (--data DIR, --key-dir DIR, --lang vi|en).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh
scripts/desktop-build.sh >&2
exec java -Djna.library.path="$target/debug" \
    -cp "$(cat "$target/desktop/runtime-classpath.txt")" \
    org.fieldbook.desktop.MainKt "$@"
