#!/usr/bin/env bash
# Runs the shared screens' and the desktop app's tests on the JVM: the
# string catalog's test, the key store and report tests, and the UI tests
# (compose ui-test, offscreen) that click through every screen as an
# outreach worker, a case manager, a peer leader and a supervisor would,
# against the real core (target/debug) and a real hub on loopback.
# Builds what is missing first (desktop-build.sh; no second build when
# nothing changed).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh

ensure_ui_libraries() {
    # Skia draws text with the system's fonts (fontconfig), and needs one with Vietnamese.
    local missing=()
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
    command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
    ldconfig -p | grep -q 'libGL.so.1' || missing+=(libgl1)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        apt_install "${missing[@]}"
    fi
}
ensure_ui_libraries
scripts/desktop-build.sh

log "desktop: tests"
classes=$target/desktop/test-classes
mapfile -t tests < <(cd "$classes" && find . -name '*Test.class' ! -name '*$*' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
java -Djava.awt.headless=true \
    -Djna.library.path="$target/debug" -Dfieldbook.hub="$target/debug/fieldbook-hub" -Dfieldbook.sources="$PWD" \
    -cp "$(cat "$target/desktop/test-classpath.txt")" \
    org.fieldbook.tests.RunTestsKt "${tests[@]}"
