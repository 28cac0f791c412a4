#!/usr/bin/env bash
# The iOS app's Swift, checked without a Swift compiler (there is none on
# Linux for iOS): every file under ios/ parses with tree-sitter's Swift
# grammar, and every use of the core's API agrees with the Swift bindings
# scripts/bindings.sh generated (the rule is in scripts/swift_gates/api/__init__.py).
# Installs its parser (PyPI's tree-sitter and tree-sitter-swift, pinned in
# scripts/swift_gates/requirements.txt) into a virtualenv under
# ${XDG_CACHE_HOME:-~/.cache}/fieldbook/, reused while the pins stay the same.
# Usage: scripts/swift-gates.sh syntax   the syntax gate (and the views' @MainActor)
#        scripts/swift-gates.sh api      the API gate, then the gates' own tests
#                                        (needs the generated bindings)
# Environment: FIELDBOOK_SWIFT_BINDINGS, the bindings to check against
# (default $CARGO_TARGET_DIR/bindings/swift/FieldbookFFI.swift).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
target=${CARGO_TARGET_DIR:-target}
bindings=${FIELDBOOK_SWIFT_BINDINGS:-$target/bindings/swift/FieldbookFFI.swift}
requirements=scripts/swift_gates/requirements.txt
pins=$(cksum <"$requirements" | cut -d" " -f1)  # POSIX, so a Mac runs this too
venv=${XDG_CACHE_HOME:-$HOME/.cache}/fieldbook/swift-gates-$pins

if ! "$venv/bin/python" -c 'import tree_sitter, tree_sitter_swift' >/dev/null 2>&1; then
    log "installing the Swift parser (tree-sitter) into $venv"
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    fi
    if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
        echo "error: the Swift parser needs Python 3.10 or later; python3 is $(python3 --version 2>&1)" >&2
        exit 1
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
fi
python=("$venv/bin/python")
export PYTHONPATH=scripts PYTHONDONTWRITEBYTECODE=1

case "${1:-}" in
    syntax)
        log "swift: syntax"
        "${python[@]}" -m swift_gates syntax ios
        ;;
    api)
        if ! [ -s "$bindings" ]; then
            echo "error: no Swift bindings at $bindings; generate them with scripts/bindings.sh" >&2
            exit 1
        fi
        log "swift: the app's uses of the core against $bindings"
        "${python[@]}" -m swift_gates api --bindings "$bindings" ios
        log "swift: the gates' own tests (each fed broken Swift)"
        FIELDBOOK_SWIFT_BINDINGS=$bindings FIELDBOOK_REQUIRE_BINDINGS=1 \
            "${python[@]}" -m unittest discover -s scripts/swift_gates/tests -t scripts
        ;;
    *)
        sed -n '2,14p' "$0" >&2
        exit 2
        ;;
esac
