#!/usr/bin/env bash
# The Kotlin side, on the JVM: generates the bindings from the built library,
# compiles them with the Android app's plain-Kotlin state holders (once, see
# kotlin-build.sh) and the Kotlin tests, and runs the tests against the
# host-built library with JNA. Installs what it needs where it is missing: a
# JDK, kotlinc (npm's kotlin-compiler), JNA and JUnit 4 (Debian's
# libjna-java and junit4).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh

log "bindings"
# Builds the library and the hub the sync tests start (see bindings.sh).
scripts/bindings.sh "$target/bindings"
scripts/kotlin-build.sh

log "kotlin: compile the tests"
main=$target/kotlin/main/classes
out=$target/kotlin-tests
rm -rf "$out" && mkdir -p "$out"
libs=/usr/share/java/jna.jar:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar
sources=(tests/kotlin)
# The state holders' tests, beside the workflow tests.
[ -d android/state/src/test/kotlin ] && sources+=(android/state/src/test/kotlin)
"$kotlin_home/bin/kotlinc" -nowarn -jvm-target 17 -cp "$main:$libs" -d "$out/classes" "${sources[@]}"

log "kotlin: tests"
mapfile -t classes < <(cd "$out/classes" && find . -name '*Test.class' ! -name '*$*' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
java -Djna.library.path="$target/debug" -Dfieldbook.hub="$target/debug/fieldbook-hub" \
    -cp "$out/classes:$main:$libs:$kotlin_home/lib/kotlin-stdlib.jar" \
    org.fieldbook.tests.RunTestsKt "${classes[@]}"
