#!/usr/bin/env bash
# Builds the desktop app's installable package with jpackage: a .deb on
# Debian and Ubuntu (jpackage makes .rpm, .msi, .dmg on their systems), with
# its own Java runtime, the app's jars, and the core's library built in
# release mode (FIELDBOOK_PROFILE=debug packs the debug build instead, to
# try the packaging without a release build). Installs to
# /opt/fieldbook-desktop and adds a menu entry.
# Usage: scripts/desktop-package.sh [OUT_DIR]     (default target/desktop/package)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/kotlin-env.sh
out=$(realpath -m "${1:-$target/desktop/package}")
version=0.1.0

# jpackage needs dpkg-deb and fakeroot for a .deb, and objcopy (binutils) to strip its runtime.
missing=()
command -v jpackage >/dev/null 2>&1 || missing+=(openjdk-17-jdk)
command -v fakeroot >/dev/null 2>&1 || missing+=(fakeroot)
command -v objcopy >/dev/null 2>&1 || missing+=(binutils)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt_install "${missing[@]}"
fi

scripts/desktop-build.sh
profile=${FIELDBOOK_PROFILE:-release}
if [ "$profile" = release ]; then
    log "desktop: the core in release mode"
    cargo build --release -p fieldbook-bindings --lib
fi

log "desktop: jars"
stage=$(realpath -m "$target/desktop/stage")
rm -rf "$stage" && mkdir -p "$stage/lib"
(cd "$target/desktop/classes" && jar --create --file "$stage/lib/fieldbook-desktop.jar" .)
(cd "$target/ui/classes" && jar --create --file "$stage/lib/fieldbook-ui.jar" .)
(cd "$target/kotlin/main/classes" && jar --create --file "$stage/lib/fieldbook-core.jar" .)
cp "$kotlin_home/lib/kotlin-stdlib.jar" "$stage/lib/"
tr ':' '\n' < "$target/desktop/runtime-classpath.txt" | grep '\.jar$' | grep -v "^$target/" | grep -v 'kotlin-stdlib.jar' \
    | while read -r jar; do cp "$jar" "$stage/lib/"; done
cp "$target/$profile/libfieldbook.so" "$stage/lib/"
# Symbols are for debuggers, not for installs.
strip --strip-debug "$stage/lib/libfieldbook.so"

log "desktop: jpackage"
rm -rf "$out" && mkdir -p "$out"
jpackage --type deb --dest "$out" \
    --name fieldbook-desktop --app-version "$version" \
    --vendor "Fieldbook" --description "Fieldbook office app: sync, indicators, overdue follow-ups, devices and reports" \
    --input "$stage/lib" --main-jar fieldbook-desktop.jar --main-class org.fieldbook.desktop.MainKt \
    --java-options '-Djna.library.path=$APPDIR' \
    --add-modules java.base,java.desktop,java.logging,java.xml,java.naming,java.management,jdk.unsupported,java.prefs,jdk.crypto.ec \
    --linux-package-name fieldbook-desktop --linux-app-category Office --linux-menu-group Office --linux-shortcut \
    --install-dir /opt
ls -l "$out"/*.deb
