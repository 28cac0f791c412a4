#!/usr/bin/env bash
# The hub against its description (hub/openapi.yaml): schemathesis makes
# requests from it and checks every answer, against a live hub on SQLite and
# on PostgreSQL, without a token and with device tokens
# (tests/tests/hub_openapi_fuzz.rs). Installs schemathesis (pinned in
# scripts/openapi_fuzz/requirements.txt) into a virtualenv under
# ${XDG_CACHE_HOME:-~/.cache}/fieldbook/, reused while the pins stay the same.
# scripts/test.sh runs this; a missing tool fails, never skips, and so does
# an unreachable PostgreSQL unless FIELDBOOK_SKIP_POSTGRES=1 (as for the
# other hub tests).
# Environment: FIELDBOOK_TEST_POSTGRES (the database, as for the other hub
# tests), FIELDBOOK_SCHEMATHESIS_EXAMPLES (default 25 per operation and
# phase), FIELDBOOK_SCHEMATHESIS_SEED.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
requirements=scripts/openapi_fuzz/requirements.txt
pins=$(cksum <"$requirements" | cut -d" " -f1)  # POSIX, so a Mac runs this too
venv=${XDG_CACHE_HOME:-$HOME/.cache}/fieldbook/schemathesis-$pins

if ! "$venv/bin/schemathesis" --version >/dev/null 2>&1; then
    log "installing schemathesis into $venv"
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    fi
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "error: schemathesis needs Python 3.11 or later; python3 is $(python3 --version 2>&1)" >&2
        exit 1
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
fi
export FIELDBOOK_SCHEMATHESIS="$venv/bin/schemathesis"
"$FIELDBOOK_SCHEMATHESIS" --version

log "the hub against its description (schemathesis)"
# The whole workspace, as scripts/test.sh's `cargo test` built it: naming the
# package alone would unify features differently and rebuild the core.
cargo test --test hub_openapi_fuzz -- --ignored --nocapture
