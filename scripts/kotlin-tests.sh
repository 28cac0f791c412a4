#!/usr/bin/env bash
# The Kotlin side, on the JVM: generates the bindings from the built library,
# compiles them with the Android app's plain-Kotlin state holders and the
# Kotlin tests, and runs the tests against the host-built library with JNA.
# Installs what it needs where it is missing: a JDK, kotlinc (npm's
# kotlin-compiler), JNA and JUnit 4 (Debian's libjna-java and junit4).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
target=${CARGO_TARGET_DIR:-target}
KOTLIN_VERSION=2.4.20
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fieldbook/kotlin-$KOTLIN_VERSION
kotlin_home=$cache/node_modules/kotlin-compiler

apt_install() {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
if ! command -v javac >/dev/null 2>&1; then
    log "installing a JDK"
    apt_install default-jdk-headless
fi
if ! [ -f /usr/share/java/jna.jar ] || ! [ -f /usr/share/java/junit4.jar ]; then
    log "installing JNA and JUnit 4"
    apt_install libjna-java junit4
fi
if ! [ -x "$kotlin_home/bin/kotlinc" ]; then
    log "installing kotlinc $KOTLIN_VERSION"
    if ! command -v npm >/dev/null 2>&1; then
        apt_install npm
    fi
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION"
fi

log "bindings"
# Builds the library and the hub the sync tests start (see bindings.sh).
scripts/bindings.sh "$target/bindings"

log "kotlin: compile"
out=$target/kotlin-tests
rm -rf "$out" && mkdir -p "$out"
libs=/usr/share/java/jna.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar
sources=("$target/bindings/kotlin" tests/kotlin)
# The Android app's state holders and view models are plain Kotlin over the
# bindings: they compile and are tested here, beside the workflow tests.
for dir in android/state/src/main/kotlin android/state/src/test/kotlin; do
    [ -d "$dir" ] && sources+=("$dir")
done
"$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 -cp "$libs" -d "$out/classes" "${sources[@]}"

log "kotlin: tests"
mapfile -t classes < <(cd "$out/classes" && find . -name '*Test.class' ! -name '*$*' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
java -Djna.library.path="$target/debug" -Dfieldbook.hub="$target/debug/fieldbook-hub" \
    -cp "$out/classes:$libs:$kotlin_home/lib/kotlin-stdlib.jar" \
    org.fieldbook.tests.RunTestsKt "${classes[@]}"
