"""The views' isolation: every SwiftUI view (and the app) is `@MainActor`.

In the iOS 17 SDK (Xcode 15) only `View.body` is main-actor; a view's
`init`, its other properties and its methods are not, so creating or
calling the app's `@MainActor` models there does not compile. The iOS 18
SDK makes the whole `View` main-actor. Writing `@MainActor` on each view
makes the app compile with both; this check keeps it so, since nothing
here compiles Swift.
"""

from __future__ import annotations

import tree_sitter

from .source import Finding, Source, first, named

_SWIFTUI_ROLES = ("View", "App")


def check(source: Source) -> tuple[list[Finding], int]:
    """Findings, and how many declarations the rule applies to."""
    findings: list[Finding] = []
    seen = 0
    for node in _declarations(source.root):
        keyword = next(
            (c.type for c in node.children if c.type in ("struct", "class", "enum", "extension", "actor")), None
        )
        name_node = node.child_by_field_name("name")
        if keyword is None or name_node is None:
            continue
        name = source.text(name_node)
        conforms = [source.text(c) for c in _inherited(node)]
        if keyword == "extension" and name in _SWIFTUI_ROLES:
            body = node.child_by_field_name("body")
            for member in named(body) if body is not None and not _main_actor(source, node) else []:
                if member.type in ("function_declaration", "property_declaration"):
                    seen += 1
                    if not _main_actor(source, member):
                        member_name = member.child_by_field_name("name")
                        shown = source.text(member_name) if member_name is not None else "member"
                        findings.append(
                            source.finding(
                                member,
                                f"`{shown}` in `extension {name}` is not `@MainActor`: "
                                "views it builds need the main actor under Xcode 15",
                            )
                        )
        elif any(c in _SWIFTUI_ROLES for c in conforms):
            seen += 1
            if not _main_actor(source, node):
                role = next(c for c in conforms if c in _SWIFTUI_ROLES)
                findings.append(
                    source.finding(
                        name_node,
                        f"`{name}` is a SwiftUI {role} but not `@MainActor`: with "
                        "Xcode 15 (iOS 17 SDK) only its `body` runs on the main "
                        "actor, so its init and helpers cannot use the app's models",
                    )
                )
    return findings, seen


def _declarations(root: tree_sitter.Node):
    for node in root.named_children:
        if node.type == "class_declaration":
            yield node
            body = node.child_by_field_name("body")
            if body is not None:
                yield from _declarations(body)


def _inherited(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    out = list(node.children_by_field_name("inherits_from"))
    for spec in named(node, "inheritance_specifier"):
        target = spec.child_by_field_name("inherits_from")
        if target is not None:
            out.append(target)
    return out


def _main_actor(source: Source, node: tree_sitter.Node) -> bool:
    mods = first(node, "modifiers")
    return mods is not None and any(source.text(a) == "@MainActor" for a in named(mods, "attribute"))
