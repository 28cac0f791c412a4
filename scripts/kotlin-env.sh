# Sourced by the Kotlin scripts: installs what they need where it is missing
# (a JDK, kotlinc from npm's kotlin-compiler, JNA, JUnit 4 and sqlite3 from
# Debian, Maven) and names it:
#   kotlin_home  kotlinc and its lib/ (stdlib, coroutines, compose-compiler-plugin.jar)
#   target       cargo's target directory, where every build output goes
# and offers `fresh DIR SOURCES...`: true when DIR was built from exactly
# these sources (their contents, not their times), so a step runs once per
# change however many scripts ask for it.

KOTLIN_VERSION=2.4.20
target=${CARGO_TARGET_DIR:-target}
kotlin_cache=${XDG_CACHE_HOME:-$HOME/.cache}/fieldbook/kotlin-$KOTLIN_VERSION
kotlin_home=$kotlin_cache/node_modules/kotlin-compiler

log() { printf '\n== %s\n' "$*"; }

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
# The tests play an attacker who writes the hub's database with sqlite3.
if ! command -v sqlite3 >/dev/null 2>&1; then
    log "installing sqlite3"
    apt_install sqlite3
fi
if ! [ -x "$kotlin_home/bin/kotlinc" ]; then
    log "installing kotlinc $KOTLIN_VERSION"
    if ! command -v npm >/dev/null 2>&1; then
        apt_install npm
    fi
    mkdir -p "$kotlin_cache"
    npm install --prefix "$kotlin_cache" --no-audit --no-fund --silent "kotlin-compiler@$KOTLIN_VERSION"
fi

# A digest of the files under the given paths (names and contents).
sources_digest() {
    find "$@" -type f \( -name '*.kt' -o -name '*.xml' -o -name '*.java' \) -print0 2>/dev/null \
        | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

# fresh OUT_DIR EXTRA_KEY PATHS...: OUT_DIR/.sources matches these sources and key.
fresh() {
    local out=$1 key=$2
    shift 2
    [ -f "$out/.sources" ] && [ "$(cat "$out/.sources")" = "$key $(sources_digest "$@")" ]
}

# stamp OUT_DIR EXTRA_KEY PATHS...: records what OUT_DIR was built from.
stamp() {
    local out=$1 key=$2
    shift 2
    echo "$key $(sources_digest "$@")" > "$out/.sources"
}
