#!/usr/bin/env bash
# Installs what the tests need and runs every test. The README's test command,
# and what CI runs (.ci/run).
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

log "format"
cargo fmt --all -- --check

log "lint"
cargo clippy --all-targets -- -D warnings
# The benchmark links SQLCipher, so it is linted on its own (see Cargo.toml).
cargo clippy -p fieldbook-bench --all-targets -- -D warnings

log "tests"
cargo test
