"""A call's arguments, and which parameter each goes to by its label."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from ..declarations import Param
from ..source import Source, first, named


def arguments(s: Source, suffix: tree_sitter.Node) -> list[tuple[str | None, tree_sitter.Node | None]]:
    """A call's arguments as (label, value), trailing closures included."""
    out: list[tuple[str | None, tree_sitter.Node | None]] = []
    value_args = first(suffix, "value_arguments")
    if value_args is not None:
        for arg in named(value_args, "value_argument"):
            label_node = arg.child_by_field_name("name")
            value = arg.child_by_field_name("value")
            label = s.text(label_node) if label_node is not None else None
            out.append((label, value))
    pending_label = None
    for child in suffix.children:
        if child.type == "simple_identifier":
            pending_label = s.text(child)
        elif child.type in ("lambda_literal", "annotated_lambda"):
            lam = child if child.type == "lambda_literal" else first(child, "lambda_literal")
            out.append((pending_label, lam))
            pending_label = None
    return out


def labels_text(labels: list[str | None]) -> str:
    return "".join(f"{label or '_'}:" for label in labels)


def labels_match(labels: list[str | None], params: list[Param]) -> bool:
    return assign([(label, None) for label in labels], params) is not None


def assign(args, params: list[Param]) -> list[Param | None] | None:
    """Which parameter each argument goes to, by label and order, skipping
    parameters with a default value; an unlabeled closure may go to a
    labeled closure parameter (a trailing closure). None when they do not fit."""
    out: list[Param | None] = []
    k = 0
    for label, node in args:
        closure = label is None and node is not None and node.type == "lambda_literal"
        while k < len(params):
            p = params[k]
            if p.label == label or (closure and isinstance(T.unwrap(p.type), T.Function)):
                break
            if not p.has_default:
                return None
            k += 1
        if k >= len(params):
            return None
        out.append(params[k])
        k += 1
    if any(not p.has_default for p in params[k:]):
        return None
    return out


def substitute(t: T.Type | None, bound: dict) -> T.Type | None:
    return T.map_named(t, lambda n: bound.get(n.name, n) if not n.args else n)
