#!/usr/bin/env bash
# Compiles the shared Compose screens (android/ui), the desktop app
# (desktop/) and their tests with kotlinc and the compose compiler plugin
# that ships with it, over the bindings and state holders that
# kotlin-build.sh compiled, and libraries Maven fetches from Maven Central
# (desktop/pom.xml). Each step is skipped when its sources have not changed.
#   target/ui/classes             the shared screens and their string catalog
#   target/desktop/classes        the desktop app
#   target/desktop/test-classes   the UI tests, the catalog test, the screenshot renderer
#   target/desktop/classpath-{main,test}.txt   the Maven Central jars
# Builds the library and bindings first when this run has none (scripts/bindings.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh

case "$(uname -s)" in Darwin) lib=libfieldbook.dylib ;; *) lib=libfieldbook.so ;; esac
if ! [ -s "$target/bindings/kotlin/org/fieldbook/ffi/fieldbook.kt" ] || ! [ -f "$target/debug/$lib" ]; then
    log "bindings"
    scripts/bindings.sh "$target/bindings"
fi
scripts/kotlin-build.sh
state=$target/kotlin/main/classes

log "desktop: libraries from Maven Central"
scripts/maven-classpath.sh desktop/pom.xml runtime "$target/desktop/classpath-main.txt"
scripts/maven-classpath.sh desktop/pom.xml test "$target/desktop/classpath-test.txt"
# kotlinc's own standard library (newer than the one the libraries name) stands in for theirs.
without_stdlib() { tr ':' '\n' < "$1" | grep -v '/org/jetbrains/kotlin/kotlin-stdlib' | paste -sd: -; }
main_libs=$(without_stdlib "$target/desktop/classpath-main.txt")
test_libs=$(without_stdlib "$target/desktop/classpath-test.txt")

kotlinc_compose() {
    "$kotlin_home/bin/kotlinc" -jvm-target 17 -Xplugin="$kotlin_home/lib/compose-compiler-plugin.jar" "$@"
}

# 1. The shared screens: only the state holders, the bindings and Compose on the classpath.
ui=$target/ui
ui_sources=(android/ui/src/main/kotlin android/ui/src/main/resources)
if ! fresh "$ui" "$(cat "$target/kotlin/main/.sources")" "${ui_sources[@]}"; then
    log "desktop: compile the shared screens (android/ui)"
    rm -rf "$ui" && mkdir -p "$ui"
    kotlinc_compose -cp "$state:$main_libs" -d "$ui/classes" android/ui/src/main/kotlin
    cp -r android/ui/src/main/resources/. "$ui/classes/"
    stamp "$ui" "$(cat "$target/kotlin/main/.sources")" "${ui_sources[@]}"
fi

# 2. The desktop app over them.
app=$target/desktop
app_sources=(desktop/src/main/kotlin)
if ! fresh "$app/main" "$(cat "$ui/.sources")" "${app_sources[@]}"; then
    log "desktop: compile the desktop app (desktop/)"
    rm -rf "$app/main" "$app/classes" && mkdir -p "$app/main"
    kotlinc_compose -cp "$ui/classes:$state:$main_libs" -d "$app/classes" "${app_sources[@]}"
    stamp "$app/main" "$(cat "$ui/.sources")" "${app_sources[@]}"
fi

# 3. Their tests: the string catalog's, the UI tests, the screenshot renderer.
# With the state tests' hub launcher and the Kotlin tests' runner (its closing line is what CI reads).
test_sources=(android/ui/src/test/kotlin desktop/src/test/kotlin
    android/state/src/test/kotlin/org/fieldbook/android/state/LocalHub.kt tests/kotlin/org/fieldbook/tests/RunTests.kt)
if ! fresh "$app/test" "$(cat "$app/main/.sources")" "${test_sources[@]}"; then
    log "desktop: compile the UI tests"
    rm -rf "$app/test" "$app/test-classes" && mkdir -p "$app/test"
    kotlinc_compose -cp "$app/classes:$ui/classes:$state:$test_libs" -d "$app/test-classes" "${test_sources[@]}"
    stamp "$app/test" "$(cat "$app/main/.sources")" "${test_sources[@]}"
fi

# The runtime classpath the other desktop scripts use.
echo "$app/classes:$ui/classes:$state:$kotlin_home/lib/kotlin-stdlib.jar:$main_libs" > "$app/runtime-classpath.txt"
echo "$app/test-classes:$app/classes:$ui/classes:$state:$kotlin_home/lib/kotlin-stdlib.jar:$test_libs" > "$app/test-classpath.txt"
echo "desktop: built in $app"
