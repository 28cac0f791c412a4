#!/usr/bin/env bash
# Simulated teams (tests/sim): each seed is one random schedule of devices,
# hub, faults, crashes and clock trouble, deterministic from the seed. See
# docs/testing.md.
#
#   scripts/simulate.sh --seeds N [--start S] [--steps K] [--jobs J]
#   scripts/simulate.sh --seeds 100000          # the soak run
#   scripts/simulate.sh --replay target/simulation/seed-N.json
#
# Each failure is printed with its seed and trace, shrunk to a shorter
# schedule that still fails, and written to target/simulation/ (its trace,
# and its schedule as JSON for --replay and for a regression test). The hub
# runs on PostgreSQL with --postgres, or when FIELDBOOK_TEST_POSTGRES is set.
# --known-bugs stops steering around the product bugs not fixed yet.
# The last line is "N schedules, F failures"; the exit status is non-zero on
# any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

args=("$@")
if [ -n "${FIELDBOOK_TEST_POSTGRES:-}" ] && [[ " $* " != *" --postgres "* ]]; then
    args+=(--postgres)
fi
cargo build --quiet --release -p fieldbook-sim --bin fieldbook-sim
exec "${CARGO_TARGET_DIR:-target}/release/fieldbook-sim" "${args[@]}"
