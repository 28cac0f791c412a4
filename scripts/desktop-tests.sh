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

ensure_secret_service() {
    # A real Secret Service for the OS key store's test: GNOME Keyring in a private D-Bus session.
    if ! command -v gnome-keyring-daemon >/dev/null 2>&1 || ! command -v dbus-run-session >/dev/null 2>&1; then
        log "installing GNOME Keyring and D-Bus"
        apt_install gnome-keyring dbus-daemon
    fi
}

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
ensure_secret_service
classes=$target/desktop/test-classes
mapfile -t tests < <(cd "$classes" && find . -name '*Test.class' ! -name '*$*' | sed 's|^\./||; s|\.class$||; s|/|.|g' | sort)
run_tests() {
    java -Djava.awt.headless=true \
        -Djna.library.path="$target/debug" -Dfieldbook.hub="$target/debug/fieldbook-hub" -Dfieldbook.sources="$PWD" \
        -Dfieldbook.failures="$target/desktop/failures" \
        -cp "$(cat "$target/desktop/test-classpath.txt")" \
        org.fieldbook.tests.RunTestsKt "$@"
}
# Every test in one session of its own, with a keyring unlocked for it (the
# password is the session's, thrown away with it): the OS key store's test
# talks to a real Secret Service, the others never look for one.
# The keyring lives in a folder of this run's, not in the user's own keyrings.
session=$(mktemp -d)
trap 'rm -rf "$session"' EXIT
mkdir -m 700 "$session/runtime"
export -f run_tests
export target
XDG_DATA_HOME="$session/data" XDG_RUNTIME_DIR="$session/runtime" dbus-run-session -- bash -c '
    printf "%s" "fieldbook-test-session" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
    run_tests "$@"
' run_tests "${tests[@]}"
