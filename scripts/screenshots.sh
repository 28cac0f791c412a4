#!/usr/bin/env bash
# Renders every screen offscreen with a team's half year of work (a real hub
# on loopback, real stores), at a phone's size and at the desktop window's,
# in Vietnamese and English: OUT_DIR/<size>-<screen>-vi.png and -en.png.
# Builds what is missing first (scripts/desktop-build.sh).
# Usage: scripts/screenshots.sh OUT_DIR     (docs/screenshots holds the current set)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 1 ] || { echo "usage: scripts/screenshots.sh OUT_DIR" >&2; exit 2; }
out=$(realpath -m "$1")
source scripts/kotlin-env.sh
scripts/desktop-build.sh

log "screenshots"
mkdir -p "$out"
java -Djava.awt.headless=true \
    -Djna.library.path="$target/debug" -Dfieldbook.hub="$target/debug/fieldbook-hub" \
    -cp "$(cat "$target/desktop/test-classpath.txt")" \
    org.fieldbook.desktop.screenshots.ScreenshotsKt "$out"
