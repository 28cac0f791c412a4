#!/usr/bin/env bash
# Starts the real desktop app in a virtual X display (Xvfb) over a locked
# store, waits for its window, and saves what the display shows: the proof
# that the app starts and asks for the PIN, on a machine with no screen.
# Usage: scripts/desktop-window.sh OUT.png
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: scripts/desktop-window.sh OUT.png" >&2; exit 2; }
out=$(realpath -m "$1")
source scripts/kotlin-env.sh
if ! command -v Xvfb >/dev/null 2>&1 || ! command -v xwininfo >/dev/null 2>&1; then
    log "installing Xvfb"
    apt_install xvfb x11-utils
fi
scripts/desktop-build.sh

work=$(mktemp -d)
app_pid= xvfb_pid=
cleanup() {
    [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
runtime=$(cat "$target/desktop/runtime-classpath.txt")
tests=$(cat "$target/desktop/test-classpath.txt")

log "desktop window: a locked store"
java -Djna.library.path="$target/debug" -cp "$tests" org.fieldbook.desktop.window.WindowProofKt store "$work/data" "$work/keys"

# A display number nobody uses.
display=99
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1366x900x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

log "desktop window: starting the app on :$display"
DISPLAY=":$display" java -Djna.library.path="$target/debug" -cp "$runtime" \
    org.fieldbook.desktop.MainKt --data "$work/data" --key-dir "$work/keys" > "$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 120); do
    DISPLAY=":$display" xwininfo -root -tree 2>/dev/null | grep -q '"Fieldbook"' && break
    kill -0 "$app_pid" 2>/dev/null || { cat "$work/app.log" >&2; echo "error: the app stopped" >&2; exit 1; }
    sleep 0.5
done
DISPLAY=":$display" xwininfo -root -tree | grep '"Fieldbook"' || { echo "error: no Fieldbook window" >&2; exit 1; }
# Let the first frames draw.
sleep 5
DISPLAY=":$display" java -cp "$tests" org.fieldbook.desktop.window.WindowProofKt capture "$out"
echo "desktop window: $out"
