"""What the gates' tests share: paths, and running a gate on files in a
temporary folder the way the command line does."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from swift_gates.__main__ import main

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
REPO = HERE.parents[2]
IOS = REPO / "ios"


def real_bindings() -> Path | None:
    """The bindings scripts/bindings.sh generated, if any."""
    given = os.environ.get("FIELDBOOK_SWIFT_BINDINGS")
    path = (
        Path(given)
        if given
        else REPO / os.environ.get("CARGO_TARGET_DIR", "target") / "bindings/swift/FieldbookFFI.swift"
    )
    return path if path.is_file() else None


def bindings_required() -> bool:
    """In the test command the bindings were just generated: a test that
    needs them must not be skipped there."""
    return os.environ.get("FIELDBOOK_REQUIRE_BINDINGS") == "1"


def run(*argv: str) -> tuple[int, str]:
    """Runs the command line; gives its exit code and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = main(list(argv))
    return code, out.getvalue()


class Copy:
    """A copy of a tree to break one file in; removed afterwards."""

    def __init__(self, source: Path):
        self.dir = Path(tempfile.mkdtemp(prefix="swift-gates-"))
        self.root = self.dir / source.name
        if source.is_dir():
            shutil.copytree(source, self.root, ignore=shutil.ignore_patterns("*.xcframework", "build"))
        else:
            shutil.copy(source, self.root)

    def edit(self, relative: str, old: str, new: str, count: int = 1) -> Path:
        path = self.root / relative if relative else self.root
        text = path.read_text()
        if text.count(old) < 1:
            raise AssertionError(f"`{old}` is not in {relative}: the test no longer matches the file")
        path.write_text(text.replace(old, new, count))
        return path

    def line_of(self, relative: str, text: str) -> int:
        """The 1-based line of the first occurrence of `text`."""
        content = (self.root / relative if relative else self.root).read_text()
        index = content.index(text)
        return content.count("\n", 0, index) + 1

    def __enter__(self) -> "Copy":
        return self

    def __exit__(self, *_) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)
