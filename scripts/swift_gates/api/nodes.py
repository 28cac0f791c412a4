"""Shapes of tree-sitter Swift nodes the gate recognises, including the
grammar's own readings that it takes apart."""

from __future__ import annotations

import tree_sitter

from ..source import Source, first, named

STATEMENTS = {
    "property_declaration",
    "function_declaration",
    "class_declaration",
    "if_statement",
    "guard_statement",
    "for_statement",
    "while_statement",
    "repeat_while_statement",
    "switch_statement",
    "do_statement",
    "control_transfer_statement",
    "assignment",
}


def is_implicit_member(node: tree_sitter.Node) -> bool:
    """`.name`: a prefix expression that is a dot and a name."""
    return (
        node.type == "prefix_expression"
        and len(node.children) == 2
        and node.children[0].type == "."
        and node.children[1].type == "simple_identifier"
    )


def closure_param_count(ftype: tree_sitter.Node | None) -> int:
    if ftype is None:
        return 0
    plist = first(ftype, "lambda_function_type_parameters")
    if plist is not None:
        return len(named(plist, "lambda_parameter"))
    return len([c for c in ftype.named_children if c.type == "simple_identifier"])


def in_optional_chain(node: tree_sitter.Node) -> bool:
    """Whether `node` ends an optional chain (`a?.b`, `a?.b()`), so that a
    member after it applies to the unwrapped value."""
    n = node
    while n is not None and n.type in ("navigation_expression", "call_expression"):
        if n.type == "navigation_expression":
            if any(c.type == "?" for c in n.children):
                return True
            n = n.child_by_field_name("target")
        else:
            n = n.named_children[0] if n.named_children else None
    return False


def is_optional_try(s: Source, node: tree_sitter.Node) -> bool:
    return node.type == "try_expression" and any(
        c.type == "try_operator" and s.text(c) == "try?" for c in node.named_children
    )


def is_key_path(node: tree_sitter.Node) -> bool:
    return key_path_root(node) is not None


def key_path_root(node: tree_sitter.Node) -> tree_sitter.Node | None:
    n = node
    while n is not None and n.type == "navigation_expression":
        n = n.child_by_field_name("target")
    return n if n is not None and n.type == "key_path_expression" else None
