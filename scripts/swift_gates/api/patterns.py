"""Enum case patterns (`switch`, `catch`, `if case`) and the cases of the
core's enums, with exhaustiveness of switches over them."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from ..declarations import Case, Param
from ..source import first, named
from .arguments import labels_match, labels_text
from .modules import suggest
from .scope import Env


class Patterns:
    """Enum case patterns and switches (part of Checker)."""

    def catch_pattern(self, pattern: tree_sitter.Node, env: Env) -> None:
        s = self.source
        parts = pattern.children
        # `let error as PlatformKeyError`
        if any(c.type == "as" for c in parts):
            target = first(pattern, "user_type")
            inner = first(pattern, "pattern")
            t = self.resolve(T.try_parse_type(s.text(target)), env) if target is not None else None
            if inner is not None:
                self.bind_pattern(inner, t, env)
            return
        type_node = first(pattern, "user_type")
        subject = self.resolve(T.try_parse_type(s.text(type_node)), env) if type_node is not None else None
        rest = [c for c in parts if c != type_node]
        self.match_pattern(rest, subject, env, pattern, explicit_type=subject is not None)

    def switch_statement(self, node: tree_sitter.Node, env: Env) -> None:
        subject_node = node.child_by_field_name("expr")
        subject = self.expr(subject_node, env, None) if subject_node is not None else None
        covered: set[str] = set()
        catch_all = False
        for entry in named(node, "switch_entry"):
            inner = env.child()
            if first(entry, "default_keyword") is not None:
                catch_all = True
            children = entry.children
            for k, child in enumerate(children):
                if child.type != "switch_pattern":
                    continue
                guarded = k + 1 < len(children) and children[k + 1].type == "where_keyword"
                pattern = first(child, "pattern")
                parts = pattern.children if pattern is not None else child.children
                result = self.match_pattern(list(parts), subject, inner, child)
                if result == "*" and not guarded:
                    catch_all = True
                elif result and not guarded:
                    covered.add(result)
            for c in entry.named_children:
                if c.type == "where_clause":
                    for w in named(c):
                        if w.type != "where_keyword":
                            self.expr(w, inner, None)
            for block in named(entry, "statements"):
                self.statements(block, inner)
        decl = self.ffi_decl(T.unwrap(subject))
        if decl is not None and decl.kind == "enum" and not catch_all and covered:
            self.count("exhaustive switch", subject_node)
            wanted = set(decl.cases)
            if isinstance(subject, T.Optional):
                covered = {c[:-1] for c in covered if c.endswith("?")} if "nil" in covered else set()
                if not covered:
                    return
            missing = sorted(wanted - covered, key=list(decl.cases).index)
            if missing and subject_node is not None:
                cases = ", ".join(f"`.{m}`" for m in missing)
                self.report(
                    self.source,
                    subject_node,
                    f"this switch over the core's `{decl.name}` has no `default` and does not handle {cases} "
                    f"(declared in the bindings)",
                )

    def match_pattern(
        self,
        parts: list[tree_sitter.Node],
        subject: T.Type | None,
        env: Env,
        at: tree_sitter.Node,
        explicit_type: bool = False,
    ) -> str | None:
        """Checks an enum case pattern against the subject's type and binds
        its variables. Gives the case name covered (`name?` through an
        optional), `*` for a catch-all, `nil`, or None."""
        s = self.source
        parts = [p for p in parts if p.type not in ("comment",)]
        if len(parts) == 1 and parts[0].type == "pattern":
            return self.match_pattern(list(parts[0].children), subject, env, at, explicit_type)
        binds = any(p.type == "value_binding_pattern" for p in parts)
        rest = [p for p in parts if p.type != "value_binding_pattern"]
        if not rest:
            return None
        # `let value`, `_`, `nil`
        if len(rest) == 1 and rest[0].type in ("simple_identifier",) and not explicit_type and binds:
            env.bind(s.text(rest[0]), subject)
            return "*"
        if len(rest) == 1 and rest[0].type == "wildcard_pattern":
            return "*"
        if len(rest) == 1 and rest[0].type == "nil_literal":
            return "nil"
        if rest and rest[0].type == "simple_identifier" and len(rest) == 1 and not explicit_type:
            # `case .x` comes as `.` `x`; a bare name is an expression pattern.
            self.expr(rest[0], env, subject)
            return None
        # The case: an optional type prefix, `.`, the name, `(…)`, `?`
        k = 0
        prefix_type = None
        if rest[k].type in ("user_type",):
            prefix_type = self.resolve(T.try_parse_type(s.text(rest[k])), env)
            k += 1
        if k < len(rest) and rest[k].type == "simple_identifier" and k + 1 < len(rest) and rest[k + 1].type == ".":
            prefix_type = self.resolve(T.try_parse_type(s.text(rest[k])), env)
            k += 2
        if k < len(rest) and rest[k].type == ".":
            k += 1
        if k >= len(rest) or rest[k].type != "simple_identifier":
            for p in rest:
                if p.is_named:
                    self.expr(p, env, subject)
            return None
        name_node = rest[k]
        name = s.text(name_node)
        k += 1
        optional = rest[-1].type == "?"
        # `.x` matches an optional subject too (Swift looks through it).
        enum_type = prefix_type if prefix_type is not None else T.unwrap(subject)
        args: list[tuple[str | None, list[tree_sitter.Node]]] | None = None
        if k < len(rest) and rest[k].type == "(":
            args = []
            label = None
            current: list[tree_sitter.Node] = []
            for p in rest[k + 1 :]:
                if p.type == ")":
                    break
                if p.type == ",":
                    args.append((label, current))
                    label, current = None, []
                elif p.type == ":" and current and current[-1].type == "simple_identifier":
                    label = s.text(current.pop())
                else:
                    current.append(p)
            if current or label:
                args.append((label, current))
        case = self.enum_case(enum_type, name, name_node, args, pattern=True)
        case_env = None
        if case is None and isinstance(enum_type, T.Named) and self.app_decl(enum_type) is not None:
            # One of the app's enums: its cases' values have types too.
            case = next((m for m in self.members(enum_type, name, quiet=True) if isinstance(m, Case)), None)
            case_env = Env({}, None, enum_type, enum_type.name)
        values = case.values if case is not None else []
        if args is not None:
            for idx, (_, sub) in enumerate(args):
                vt = self.resolve(values[idx][1], case_env) if idx < len(values) else None
                if len(sub) == 1 and sub[0].type == "pattern":
                    inner = sub[0]
                    if (
                        inner.child_by_field_name("bound_identifier") is not None
                        or first(inner, "simple_identifier") is not None
                        and len(inner.named_children) == 1
                    ):
                        self.bind_pattern(inner, vt, env)
                    else:
                        self.match_pattern(list(inner.children), vt, env, inner)
                elif len(sub) == 1 and sub[0].type == "simple_identifier":
                    env.bind(s.text(sub[0]), vt)
        if prefix_type is None and not self.ffi_decl(enum_type) and name in ("some", "none"):
            return None
        return name + ("?" if optional else "")

    def enum_case(
        self, enum_type: T.Type | None, name: str, node: tree_sitter.Node, args: list | None, pattern: bool
    ) -> Case | None:
        """Checks a case of a core enum by name and, when given, by its
        associated values' labels (and their number, in a pattern)."""
        decl = self.ffi_decl(enum_type)
        if decl is None or decl.kind != "enum":
            return None
        case = decl.cases.get(name)
        self.count("enum case", node)
        if case is None:
            if any(name in (ext.vars) or name in ext.funcs for ext in self.app_extensions(decl.name)) and not pattern:
                return None
            self.report(
                self.source,
                node,
                f"the core's `{decl.name}` has no case `{name}` in the bindings" + suggest(name, list(decl.cases)),
            )
            return None
        if args is None:
            return case
        labels = [label for label, _ in args]
        if pattern:
            wanted = [label for label, _ in case.values]
            if len(labels) != len(wanted):
                self.report(
                    self.source,
                    node,
                    f"the pattern `.{name}` binds {len(labels)} value(s), but the core's "
                    f"`{decl.name}.{case.signature()}` has {len(wanted)}",
                )
            else:
                for got, want in zip(labels, wanted):
                    if got is not None and got != want:
                        self.report(
                            self.source,
                            node,
                            f"the pattern `.{name}` labels a value `{got}:`, but the core's "
                            f"`{decl.name}.{case.signature()}` calls it `{want or '_'}`",
                        )
                        break
        else:
            params = [Param(label, label or "_", t, "", False) for label, t in case.values]
            if not labels_match(labels, params):
                self.report(
                    self.source,
                    node,
                    f"wrong argument labels for the core's `{decl.name}.{name}`: the app "
                    f"writes `{name}({labels_text(labels)})`, the bindings have `{case.signature()}`",
                )
        return case
