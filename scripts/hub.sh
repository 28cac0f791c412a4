#!/usr/bin/env bash
# The main job: builds and runs the office hub on its embedded SQLite store.
# FIELDBOOK_HUB_DATA (default ./hub-data) and FIELDBOOK_HUB_LISTEN (default
# 127.0.0.1:8080) change where it keeps data and listens; pass more options
# (e.g. --tls-cert/--tls-key, --database postgres://…) as arguments.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p fieldbook-hub
data="${FIELDBOOK_HUB_DATA:-$PWD/hub-data}"
mkdir -p "$data"
exec ./target/release/fieldbook-hub --data "$data" serve --listen "${FIELDBOOK_HUB_LISTEN:-127.0.0.1:8080}" "$@"
