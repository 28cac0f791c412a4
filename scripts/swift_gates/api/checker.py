"""The API gate's walk over the app: each file, each finding, each use counted."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from ..declarations import collect
from ..source import Finding, Source
from .agreement import Agreement
from .calls import Calls
from .conformance import Conformance
from .expressions import Expressions
from .modules import Modules
from .patterns import Patterns
from .scope import Env, Stats
from .statements import Statements
from .stdlib import Stdlib


class Checker(Modules, Statements, Patterns, Expressions, Calls, Stdlib, Conformance, Agreement):
    """Checks the app's sources against the bindings' (see the package's rule)."""

    def __init__(self, bindings: list[Source], app: list[Source]):
        self.ffi = collect(bindings, public_only=True)
        self._merge_ffi_extensions()
        self.app = collect(app)
        self.sources = app
        self.findings: list[Finding] = []
        self.stats = Stats()
        self._quiet = 0
        self._member_types: dict[tuple[str, str], T.Type | None] = {}
        self._in_progress: set[tuple[str, str]] = set()

    def report(self, source: Source, node: tree_sitter.Node, message: str) -> None:
        if self._quiet:
            return
        f = source.finding(node, message)
        if f not in self.findings:
            self.findings.append(f)

    def count(self, kind: str, node: tree_sitter.Node) -> None:
        if not self._quiet:
            self.stats.counts[kind] += 1
            line, column = self.source.line_col(node)
            self.stats.uses.append(f"{self.source.path}:{line}:{column}: {kind} `{self.source.text(node)}`")

    def run(self) -> list[Finding]:
        for source in self.sources:
            self.source = source
            env = Env({})
            for node in source.root.named_children:
                self.declaration(node, env)
        self.findings.sort(key=lambda f: (f.path, f.line, f.column))
        return self.findings
