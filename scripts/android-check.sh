#!/usr/bin/env bash
# Compiles the Android app's platform files that need only the Android
# framework (android.*) and androidx.lifecycle's interfaces, against
# Robolectric's android-all from Maven Central, so a wrong Keystore or
# preferences call fails here and not first on a developer's machine. The
# few files that need Google's Maven (listed in android/README.md) are left
# to a machine with the Android SDK. Builds on target/kotlin/main
# (kotlin-build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh

app=android/app/src/main/kotlin/org/fieldbook/android
files=(
    "$app/security/AndroidKeystoreKeyStore.kt"
    "$app/sync/PreferencesLastSyncStore.kt"
    "$app/AppContainer.kt"
    "$app/LockOnBackground.kt"
)
scripts/kotlin-build.sh
out=$target/android-check
if fresh "$out" "$(cat "$target/kotlin/main/.sources")" "${files[@]}" android/app/android-all.pom.xml; then
    echo "android: platform files up to date ($out)"
    exit 0
fi
log "android: compile the platform files against android-all"
scripts/maven-classpath.sh android/app/android-all.pom.xml provided "$target/android-check-classpath.txt"
rm -rf "$out" && mkdir -p "$out"
"$kotlin_home/bin/kotlinc" -jvm-target 17 -Werror \
    -cp "$(cat "$target/android-check-classpath.txt"):$target/kotlin/main/classes:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar" \
    -d "$out/classes" "${files[@]}"
stamp "$out" "$(cat "$target/kotlin/main/.sources")" "${files[@]}" android/app/android-all.pom.xml
echo "android: ${#files[@]} platform files compile against android-all"
