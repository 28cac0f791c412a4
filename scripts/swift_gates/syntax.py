"""The syntax gate: every Swift file must parse with tree-sitter's Swift
grammar without an error or a missing token.

tree-sitter recovers from bad input by inserting ERROR nodes (text it could
not fit) and MISSING nodes (a token it had to assume, such as a closing
brace). Either means the Swift compiler would stop too, so each one is a
finding at its own line and column.
"""

from __future__ import annotations

from collections.abc import Iterator

import tree_sitter

from .source import Finding, Source

# What to call the nodes a missing token most often belongs to.
_OPENED_BY = {
    "class_body": "the body",
    "enum_class_body": "the body",
    "protocol_body": "the body",
    "function_body": "the function body",
    "computed_property": "the property body",
    "lambda_literal": "the closure",
    "statements": "the block",
    "value_arguments": "the argument list",
    "array_literal": "the literal",
    "dictionary_literal": "the literal",
}


def check(source: Source, generated: bool = False) -> list[Finding]:
    """Findings for every error and missing token. For `generated` code (the
    bindings), only errors that may hide a declaration count: the API gate
    reads the bindings' declarations, not their bodies, and tree-sitter's
    grammar misreads some of uniffi's bodies (`let writeReturn = { () }`)
    and attributes it places across a directive (`#if swift(>=5.8)
    @_documentation(…) #endif`)."""
    if not source.root.has_error:
        return []
    return list(_errors(source, source.root, generated))


def _errors(source: Source, node: tree_sitter.Node, generated: bool) -> Iterator[Finding]:
    if generated and node.type in ("function_body", "computed_property", "lambda_literal", "value_arguments"):
        return
    if node.is_missing:
        yield source.finding(node, _missing_message(source, node))
        return
    if node.is_error and generated and node.named_children and all(c.type == "attribute" for c in node.named_children):
        return
    if node.is_error:
        yield source.finding(node, _error_message(source, node))
        # An ERROR node may hold a MISSING one that says more; report it too.
        for missing in _missing_inside(node):
            yield source.finding(missing, _missing_message(source, missing))
        return
    for child in node.children:
        if child.has_error or child.is_missing:
            yield from _errors(source, child, generated)


def _missing_inside(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    for child in node.children:
        if child.is_missing:
            yield child
        elif child.has_error:
            yield from _missing_inside(child)


def _missing_message(source: Source, node: tree_sitter.Node) -> str:
    token = node.type
    parent = node.parent
    if parent is not None and token in ("}", ")", "]"):
        what = _OPENED_BY.get(parent.type, parent.type.replace("_", " "))
        owner = parent.parent
        name = owner.child_by_field_name("name") if owner is not None else None
        if name is not None and parent.type.endswith("body"):
            what = f"{what} of `{source.text(name)}`"
        line, column = source.line_col(parent)
        return f"syntax error: missing `{token}` to close {what} opened at {line}:{column}"
    return f"syntax error: missing `{token}`"


def _error_message(source: Source, node: tree_sitter.Node) -> str:
    text = source.text(node).strip()
    first_line = text.splitlines()[0] if text else ""
    if len(first_line) > 60:
        first_line = first_line[:57] + "..."
    return f"syntax error: cannot parse `{first_line}`" if first_line else "syntax error"
