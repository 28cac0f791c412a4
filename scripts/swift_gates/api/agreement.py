"""A written type where a value of the core arrives: the mark that a core
type was renamed or removed."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from .scope import Env

ANY_PROTOCOLS = {
    "Any",
    "AnyObject",
    "AnyHashable",
    "Sendable",
    "Error",
    "Equatable",
    "Hashable",
    "Comparable",
    "Identifiable",
    "CustomStringConvertible",
    "CustomDebugStringConvertible",
    "LocalizedError",
    "Codable",
    "Encodable",
    "Decodable",
}


class Agreement:
    """Written types against the core's values (part of Checker)."""

    def agree(
        self,
        declared: T.Type | None,
        at: tree_sitter.Node | None,
        inferred: T.Type | None,
        value: tree_sitter.Node,
        env: Env,
    ) -> None:
        """Reports a written type (at `at`) that is declared nowhere, not in
        the bindings nor in the app, where the value it types is of a core
        type: the mark a type renamed or removed in the core leaves in the app."""
        if declared is None or inferred is None or at is None:
            return

        def walk(d: T.Type, i: T.Type) -> None:
            if isinstance(d, T.Optional):
                walk(d.wrapped, T.unwrap(i))
            elif isinstance(d, T.Array) and isinstance(i, T.Array):
                walk(d.element, i.element)
            elif isinstance(d, T.Dictionary) and isinstance(i, T.Dictionary):
                walk(d.key, i.key)
                walk(d.value, i.value)
            elif isinstance(d, T.Tuple) and isinstance(i, T.Tuple) and len(d.elements) == len(i.elements):
                for (_, a), (_, b) in zip(d.elements, i.elements):
                    walk(a, b)
            elif isinstance(d, T.Named) and isinstance(i, T.Named) and self.is_ffi(i):
                if d.name == i.name or d.name in env.generics or d.name in ANY_PROTOCOLS:
                    return
                if d.name in self.ffi.types or d.name in self.app.types:
                    return  # declared somewhere: the compiler judges the conversion
                if d.name in self.ffi.types[i.name].conformances:
                    return
                self.count("type name", at)
                line, _ = self.source.line_col(value)
                self.report(
                    self.source,
                    at,
                    f"`{d.name}` is declared neither in the bindings nor in the app, but "
                    f"the core gives a `{i.name}` for it (line {line})",
                )

        walk(declared, inferred)
