"""Where the API gate is in the app: scopes, what it counted, and markers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import tree_sitter

from .. import swift_types as T

# What a lookup gives when the standard library knows nothing of a name.
NOT_BUILTIN = object()


@dataclass
class KeyPathRoot(T.Type):
    """Expected of a key path argument: the type its root is."""

    root: T.Type


@dataclass
class Env:
    """Where an expression is: its scopes, the enclosing type, what `return` expects."""

    vars: dict[str, T.Type | None]
    parent: "Env | None" = None
    self_type: T.Type | None = None
    type_path: str | None = None
    returns: T.Type | None = None
    returns_at: tree_sitter.Node | None = None  # the written result type
    generics: frozenset[str] = frozenset()
    closure_results: list | None = None

    def child(self, **changes) -> "Env":
        env = Env(
            {}, self, self.self_type, self.type_path, self.returns, self.returns_at, self.generics, self.closure_results
        )
        for k, v in changes.items():
            setattr(env, k, v)
        return env

    def lookup(self, name: str) -> tuple[bool, T.Type | None]:
        env: Env | None = self
        while env is not None:
            if name in env.vars:
                return True, env.vars[name]
            env = env.parent
        return False, None

    def bind(self, name: str, t: T.Type | None) -> None:
        if name and name != "_":
            self.vars[name] = t


@dataclass
class Stats:
    """The uses of the core checked, by kind, and where each is."""

    counts: Counter = field(default_factory=Counter)
    uses: list[str] = field(default_factory=list)

    def total(self) -> int:
        return sum(self.counts.values())
