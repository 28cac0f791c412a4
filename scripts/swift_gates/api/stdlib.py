"""The few standard library and XCTest members the gate follows types
through (collections, optionals, assertions); it checks nothing in them."""

from __future__ import annotations

from .. import swift_types as T
from ..declarations import Param
from .nodes import is_key_path
from .scope import NOT_BUILTIN, Env


class Stdlib:
    """What the standard library and XCTest give (part of Checker)."""

    def builtin_property(self, base: T.Type, name: str):
        """The few standard library properties the gate follows types through."""
        b = base
        if isinstance(b, T.Optional):
            return NOT_BUILTIN  # a member of an optional needs `?.`
        if isinstance(b, T.Array) or (isinstance(b, T.Named) and b.name in ("Set", "ArraySlice")):
            elem = T.element_of(b)
            return {
                "first": T.Optional(elem) if elem else None,
                "last": T.Optional(elem) if elem else None,
                "isEmpty": T.Named("Bool"),
                "count": T.Named("Int"),
                "indices": None,
                "startIndex": T.Named("Int"),
                "endIndex": T.Named("Int"),
            }.get(name)
        if isinstance(b, T.Dictionary):
            return {
                "keys": T.Array(b.key),
                "values": T.Array(b.value),
                "isEmpty": T.Named("Bool"),
                "count": T.Named("Int"),
            }.get(name)
        if isinstance(b, T.Tuple):
            for label, t in b.elements:
                if label == name:
                    return t
            return None
        if isinstance(b, T.Named) and b.name in ("String", "Substring"):
            return {"isEmpty": T.Named("Bool"), "count": T.Named("Int")}.get(name)
        if isinstance(b, T.Named) and (
            b.name in self.ffi.types or b.name in self.app.types or b.name in self.app.extensions
        ):
            return NOT_BUILTIN
        if isinstance(b, T.Named):
            return None
        return NOT_BUILTIN

    def method_call(self, base, name, node, args, env, expected):
        """Standard library methods the gate follows types through; anything
        else is left to the general path."""
        b = T.unwrap(base) if isinstance(base, T.Optional) and name not in ("map", "flatMap") else base
        if isinstance(b, T.Optional) and name in ("map", "flatMap"):
            inner = b.wrapped
            out = self.visit_args(
                args,
                env,
                None,
                closure_params=[inner],
                closure_expected=T.unwrap(expected) if expected is not None else None,
                key_root=inner,
            )
            r = out.get("$result") if out else None
            if name == "flatMap":
                return r if isinstance(r, T.Optional) else (T.Optional(r) if r is not None else None)
            return T.Optional(T.unwrap(r)) if r is not None else None
        elem = T.element_of(b)
        if elem is not None and (
            isinstance(b, (T.Array, T.Dictionary)) or (isinstance(b, T.Named) and b.name == "Set")
        ):
            table = {
                "filter": b,
                "sorted": T.Array(elem),
                "reversed": T.Array(elem),
                "first": T.Optional(elem),
                "last": T.Optional(elem),
                "min": T.Optional(elem),
                "max": T.Optional(elem),
                "contains": T.Named("Bool"),
                "allSatisfy": T.Named("Bool"),
                "firstIndex": T.Optional(T.Named("Int")),
                "lastIndex": T.Optional(T.Named("Int")),
                "forEach": T.VOID,
                "prefix": T.Array(elem),
                "suffix": T.Array(elem),
                "dropFirst": T.Array(elem),
                "dropLast": T.Array(elem),
                "map": None,
                "compactMap": None,
                "flatMap": None,
                "reduce": None,
                "enumerated": T.Array(T.Tuple((("offset", T.Named("Int")), ("element", elem)))),
                "joined": T.Named("String") if elem == T.Named("String") else None,
            }
            if name in table:
                pairs = (
                    2
                    if name in ("sorted", "min", "max") and any(label == "by" or label is None for label, _ in args)
                    else 1
                )
                closure_params = [elem] * pairs if name != "reduce" else [None, elem]
                exp_elem = None
                if name == "map" and isinstance(T.unwrap(expected), T.Array):
                    exp_elem = T.unwrap(expected).element
                # An element given as a value: `kinds.contains(.caseNote)`, `firstIndex(of:)`.
                by_value = {"contains": None, "firstIndex": "of", "lastIndex": "of"}
                params = None
                if (
                    name in by_value
                    and len(args) == 1
                    and args[0][0] == by_value[name]
                    and args[0][1] is not None
                    and args[0][1].type != "lambda_literal"
                ):
                    params = [Param(by_value[name], "_", elem, "", False)]
                if name == "map" and len(args) == 1 and args[0][1] is not None and is_key_path(args[0][1]):
                    # `map(\.reason)`: an array of what the key path leads to.
                    t = self.key_path(args[0][1], env, elem)
                    return T.Array(t) if t is not None else None
                out = self.visit_args(
                    args, env, params, closure_params=closure_params, key_root=elem, closure_expected=exp_elem
                )
                if name == "map":
                    r = out.get("$result") if out else None
                    return T.Array(r) if r is not None else None
                if name == "compactMap":
                    r = out.get("$result") if out else None
                    return T.Array(T.unwrap(r)) if r is not None else None
                return table[name]
        if (
            b is None
            and name in ("map", "compactMap", "flatMap")
            and isinstance(T.unwrap(expected), T.Array)
            or b is None
            and name in ("map", "flatMap")
            and isinstance(expected, T.Optional)
        ):
            # An unknown optional or array mapped to what is expected:
            # `model.set(key, $0.map { .choice(value: $0) })`.
            want = T.unwrap(expected)
            want = want.element if isinstance(want, T.Array) else want
            self.visit_args(args, env, None, closure_params=None, closure_expected=want)
            return expected
        return NOT_BUILTIN

    def library_function(self, name: str, args, env: Env):
        """XCTest's functions whose arguments share a type, so that an enum
        case in a test is checked too; NOT_BUILTIN for any other function."""
        if name == "XCTUnwrap" and args:
            t = self.expr(args[0][1], env, None)
            self.visit_args(args[1:], env, None)
            return T.unwrap(t)
        if name in ("XCTAssertEqual", "XCTAssertNotEqual") and len(args) >= 2:
            # `XCTAssertEqual(app.identity?.role, .caseManager)`
            first_type = self.expr(args[0][1], env, None)
            self.expr(args[1][1], env, T.unwrap(first_type))
            self.visit_args(args[2:], env, None)
            return None
        return NOT_BUILTIN
