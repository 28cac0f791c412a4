"""Command line: `python -m swift_gates syntax PATH…` and
`python -m swift_gates api --bindings FieldbookFFI.swift PATH…`.
Prints one finding a line (`path:line:col: message`) and exits 1 when
there is any, 2 when it cannot run."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import api, isolation, syntax
from .source import Source, parser, swift_files


def _shown(path: Path) -> str:
    """Relative to where the command runs when the file is below it."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _read(paths: list[Path]) -> list[Source]:
    tree_parser = parser()
    return [Source.read(p, _shown(p), tree_parser) for p in swift_files(paths)]


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="swift_gates", description=__doc__)
    sub = args.add_subparsers(dest="gate", required=True)
    syntax_args = sub.add_parser(
        "syntax",
        help="every .swift file parses without an error or a missing token, and every SwiftUI view is @MainActor",
    )
    syntax_args.add_argument("paths", nargs="+", type=Path)
    api_args = sub.add_parser("api", help="the app's uses of the core exist in the generated bindings")
    api_args.add_argument("--bindings", required=True, type=Path, help="the generated FieldbookFFI.swift")
    api_args.add_argument("--list", action="store_true", help="also print every use of the core checked")
    api_args.add_argument("paths", nargs="+", type=Path)
    options = args.parse_args(argv)

    for path in options.paths:
        if not path.exists():
            print(f"swift_gates: {path} does not exist", file=sys.stderr)
            return 2
    started = time.monotonic()
    sources = _read(options.paths)
    if not sources:
        print(f"swift_gates: no .swift files under {', '.join(map(str, options.paths))}", file=sys.stderr)
        return 2

    if options.gate == "syntax":
        findings = [f for s in sources for f in syntax.check(s)]
        for f in findings:
            print(f)
        took = time.monotonic() - started
        print(f"swift syntax: {len(sources)} files, {len(findings)} error(s) ({took:.1f} s)")
        views = [isolation.check(s) for s in sources]
        unisolated = [f for found, _ in views for f in found]
        for f in unisolated:
            print(f)
        print(
            f"swift views: {sum(n for _, n in views)} SwiftUI views and view helpers, {len(unisolated)} not @MainActor"
        )
        return 1 if findings or unisolated else 0

    if not options.bindings.is_file():
        print(
            f"swift_gates: no bindings at {options.bindings}; generate them with scripts/bindings.sh", file=sys.stderr
        )
        return 2
    bindings = _read([options.bindings])
    broken = [f for s in bindings for f in syntax.check(s, generated=True)]
    broken += [f for s in sources for f in syntax.check(s)]
    if broken:
        for f in broken:
            print(f)
        print("swift api: the files must parse first (see the syntax gate)")
        return 1
    findings, stats = api.check(bindings, sources)
    if options.list:
        for use in stats.uses:
            print(use)
    for f in findings:
        print(f)
    took = time.monotonic() - started
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(stats.counts.items()))
    print(
        f"swift api: {stats.total()} uses of the core checked in {len(sources)} files ({kinds}); "
        f"{len(findings)} disagree with the bindings ({took:.1f} s)"
    )
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
