#!/usr/bin/env bash
# Installs what the tests need and runs every test: Rust (format, lint, unit,
# end-to-end), Kotlin on the JVM over the generated bindings, the shared
# Compose screens with the desktop app and their UI tests, and the iOS app's
# Swift (syntax, and its uses of the core against the Swift bindings).
# The README's test command, and what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }

if ! command -v cargo >/dev/null 2>&1; then
    echo "error: cargo not found; install the Rust toolchain with rustup first" >&2
    exit 1
fi
if command -v rustup >/dev/null 2>&1; then
    for component in rustfmt clippy; do
        rustup component list --installed 2>/dev/null | grep -q "^$component" \
            || rustup component add "$component"
    done
fi
# The benchmark's SQLCipher baseline builds against OpenSSL's headers.
if ! [ -f /usr/include/openssl/evp.h ] && command -v apt-get >/dev/null 2>&1; then
    log "installing libssl-dev"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libssl-dev pkg-config
fi

# The hub's storage tests run against a real PostgreSQL: use the one on
# 127.0.0.1:5432 when it answers, otherwise install and start one.
ensure_postgres() {
    if [ -n "${FIELDBOOK_TEST_POSTGRES:-}" ] || [ -n "${FIELDBOOK_SKIP_POSTGRES:-}" ]; then
        return
    fi
    if ! { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; }; then
        log "starting PostgreSQL"
        if ! command -v pg_ctlcluster >/dev/null 2>&1; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
        fi
        local version
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    fi
    # Whoever started it (this script, the system, a person), the tests'
    # login and database are set up where this machine lets us: as root,
    # through the local postgres account. Both steps do nothing the second time.
    if [ "$(id -u)" = 0 ] && id postgres >/dev/null 2>&1; then
        su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'fieldbook'\"" >/dev/null
        su postgres -c "psql -q -tAc \"SELECT 1 FROM pg_database WHERE datname = 'test'\"" | grep -q 1 \
            || su postgres -c "createdb test"
    fi
    export FIELDBOOK_TEST_POSTGRES="postgres://postgres:fieldbook@127.0.0.1:5432/test"
}
ensure_postgres

# The iOS app's Swift parses (seconds; before any build, so a stray brace
# fails at once).
scripts/swift-gates.sh syntax

log "format"
cargo fmt --all -- --check

log "lint"
cargo clippy --all-targets -- -D warnings
# The benchmark links SQLCipher, so it is linted on its own (see Cargo.toml).
cargo clippy -p fieldbook-bench --all-targets -- -D warnings

log "tests"
# Includes the team simulation's share (docs/testing.md): 2,000 seeded
# schedules on SQLite and 100 on the PostgreSQL above, about 400 s of CPU
# (3.5 minutes of the two cores). FIELDBOOK_SIM_SEEDS / FIELDBOOK_SIM_START
# change the range; scripts/simulate.sh runs longer ones.
# The full-disk tests mount a small tmpfs; as root (CI) a refusal fails them
# rather than letting them stop quietly.
if [ "$(id -u)" = 0 ]; then
    export FIELDBOOK_REQUIRE_TMPFS=1
fi
cargo test

# The hub against its description, driven by schemathesis (a Python tool, so
# the test is ignored by the plain `cargo test` above; this installs it and
# runs the test, on SQLite and on the PostgreSQL above).
scripts/openapi-fuzz.sh

# The bindings generated from the built library, and the Kotlin on the JVM:
# the workflow tests and the Android app's state holders.
scripts/kotlin-tests.sh

# The iOS app's uses of the core against the Swift bindings just generated.
scripts/swift-gates.sh api

# The Android app's platform files against android-all, then the Compose
# screens shared by the Android and desktop apps, the desktop app, and their
# UI tests (every screen clicked through, offscreen, against the real core
# and a real hub). Libraries come from Maven Central into
# ~/.cache/fieldbook/maven, which stays between runs.
scripts/android-check.sh
scripts/desktop-tests.sh
