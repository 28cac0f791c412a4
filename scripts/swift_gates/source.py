"""A parsed Swift file and the small helpers every gate uses on its tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import tree_sitter
import tree_sitter_swift

_LANGUAGE = tree_sitter.Language(tree_sitter_swift.language())
_NAMES = {"simple_identifier", "type_identifier", "value_argument_label"}


def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(_LANGUAGE)


@dataclass(frozen=True)
class Finding:
    """One problem, where it is, and why; printed as `path:line:col: message`."""

    path: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class Source:
    """A Swift file with its tree; positions are reported 1-based."""

    def __init__(self, path: str, data: bytes, tree_parser: tree_sitter.Parser | None = None):
        self.path = path
        self.data = data
        self.tree = (tree_parser or parser()).parse(data)

    @classmethod
    def read(cls, path: Path, shown_as: str | None = None, tree_parser: tree_sitter.Parser | None = None) -> "Source":
        return cls(shown_as or str(path), path.read_bytes(), tree_parser)

    @property
    def root(self) -> tree_sitter.Node:
        return self.tree.root_node

    def text(self, node: tree_sitter.Node) -> str:
        text = self.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
        if node.type in _NAMES:
            return text.strip("`")  # `default` is the name default
        return text

    def line_col(self, node: tree_sitter.Node) -> tuple[int, int]:
        """1-based line and column (in characters, as editors count them)."""
        row, byte_col = node.start_point
        line_start = node.start_byte - byte_col
        column = len(self.data[line_start : node.start_byte].decode("utf-8", errors="replace")) + 1
        return row + 1, column

    def finding(self, node: tree_sitter.Node, message: str) -> Finding:
        line, column = self.line_col(node)
        return Finding(self.path, line, column, message)


def named(node: tree_sitter.Node, *types: str) -> list[tree_sitter.Node]:
    """The node's named children, of the given types if any are given."""
    return [c for c in node.named_children if not types or c.type in types]


def first(node: tree_sitter.Node, *types: str) -> tree_sitter.Node | None:
    for child in node.named_children:
        if child.type in types:
            return child
    return None


# Build output and generated code under ios/ (all ignored by git): on a Mac
# that built the xcframework, the bindings' copy in the Swift package is not
# the app's code.
_GENERATED_DIRS = {"build", ".build", "DerivedData", ".swiftpm", "Fieldbook.xcodeproj"}
GENERATED_FILES = {"FieldbookFFI.swift"}


def swift_files(roots: list[Path]) -> list[Path]:
    """Every .swift file of the app under the roots, sorted; a file given
    directly counts even when generated."""
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root)
            continue
        for path in root.rglob("*.swift"):
            parts = path.relative_to(root).parts
            if (
                path.is_file()
                and path.name not in GENERATED_FILES
                and not any(part in _GENERATED_DIRS or part.endswith(".xcframework") for part in parts[:-1])
            ):
                found.add(path)
    return sorted(found)
