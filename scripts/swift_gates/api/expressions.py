"""The type of an expression, and the members it uses on the core's types."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from ..declarations import Case, Var
from ..source import first, named
from .modules import MODULE_NAME, member_names, suggest
from .nodes import in_optional_chain, is_implicit_member, is_optional_try, key_path_root
from .scope import NOT_BUILTIN, Env, KeyPathRoot


class Expressions:
    """Expressions and member access (part of Checker)."""

    def expr(self, node: tree_sitter.Node | None, env: Env, expected: T.Type | None) -> T.Type | None:
        if node is None:
            return None
        s = self.source
        kind = node.type
        if kind == "simple_identifier":
            return self.identifier(node, env)
        if kind == "self_expression":
            return env.self_type
        if kind in ("line_string_literal", "multi_line_string_literal", "raw_string_literal"):
            for c in named(node):
                if c.type == "interpolated_expression":
                    for v in named(c):
                        self.expr(v, env, None)
            return T.Named("String")
        if kind == "integer_literal":
            return T.Named("Int")
        if kind == "real_literal":
            return T.Named("Double")
        if kind == "boolean_literal":
            return T.Named("Bool")
        if kind == "nil_literal":
            return None
        if kind == "navigation_expression":
            return self.navigation(node, env, expected)
        if kind == "call_expression":
            return self.call(node, env, expected)
        if kind == "prefix_expression":
            return self.prefix(node, env, expected)
        if kind in ("try_expression", "await_expression"):
            inner = node.child_by_field_name("expr")
            if inner is None:
                inner = next((c for c in node.named_children if c.type not in ("try_operator",)), None)
            optional_try = any(s.text(c) == "try?" for c in node.named_children if c.type == "try_operator")
            t = self.expr(inner, env, T.unwrap(expected) if optional_try else expected)
            return T.Optional(T.unwrap(t)) if optional_try and t is not None else t
        if kind == "lambda_literal":
            fn = T.unwrap(expected)
            params = list(fn.params) if isinstance(fn, T.Function) else None
            result = fn.result if isinstance(fn, T.Function) else None
            return self.closure(node, env, params, result)
        if kind == "tuple_expression":
            values = node.children_by_field_name("value")
            exp = expected.elements if isinstance(expected, T.Tuple) and len(expected.elements) == len(values) else None
            ts = [self.expr(v, env, exp[k][1] if exp else None) for k, v in enumerate(values)]
            if len(values) == 1:
                return ts[0]
            if any(t is None for t in ts):
                return None
            return T.Tuple(tuple((None, t) for t in ts))
        if kind == "array_literal":
            elem_expected = T.unwrap(expected).element if isinstance(T.unwrap(expected), T.Array) else None
            ts = [self.expr(e, env, elem_expected) for e in node.children_by_field_name("element")]
            known = next((t for t in ts if t is not None), elem_expected)
            return T.Array(known) if known is not None else None
        if kind == "dictionary_literal":
            d = T.unwrap(expected)
            key_t = d.key if isinstance(d, T.Dictionary) else None
            value_t = d.value if isinstance(d, T.Dictionary) else None
            for k in node.children_by_field_name("key"):
                self.expr(k, env, key_t)
            for v in node.children_by_field_name("value"):
                self.expr(v, env, value_t)
            return d if isinstance(d, T.Dictionary) else None
        if kind == "ternary_expression":
            self.expr(node.child_by_field_name("condition"), env, None)
            a = self.expr(node.child_by_field_name("if_true"), env, expected)
            b = self.expr(node.child_by_field_name("if_false"), env, expected if expected is not None else a)
            return a if a is not None else b
        if kind == "nil_coalescing_expression":
            lhs = self.expr(
                node.child_by_field_name("value"), env, T.Optional(expected) if expected is not None else None
            )
            rhs = self.expr(node.child_by_field_name("if_nil"), env, T.unwrap(lhs) if lhs is not None else expected)
            return (
                rhs
                if rhs is not None and not isinstance(rhs, T.Optional)
                else (T.unwrap(lhs) if lhs is not None else rhs)
            )
        if kind in ("equality_expression", "comparison_expression"):
            self.comparison(node.child_by_field_name("lhs"), node.child_by_field_name("rhs"), env)
            return T.Named("Bool")
        if kind in ("conjunction_expression", "disjunction_expression"):
            for c in named(node):
                self.expr(c, env, T.Named("Bool"))
            return T.Named("Bool")
        if kind == "as_expression":
            inner = node.named_children[0] if node.named_children else None
            self.expr(inner, env, None)
            target = first(node, "user_type", "optional_type", "array_type", "dictionary_type", "tuple_type")
            t = self.resolve(T.try_parse_type(s.text(target)), env) if target is not None else None
            op = first(node, "as_operator")
            if op is not None and s.text(op) == "as?" and t is not None:
                return T.Optional(t)
            return t
        if kind == "postfix_expression":
            inner = node.named_children[0] if node.named_children else None
            t = self.expr(inner, env, None)
            if first(node, "bang") is not None:
                return T.unwrap(t) if isinstance(t, T.Optional) else t
            return t
        if kind == "check_expression":
            for c in named(node):
                if c.type not in ("user_type",):
                    self.expr(c, env, None)
            return T.Named("Bool")
        if kind in ("additive_expression", "multiplicative_expression"):
            lhs = self.expr(node.child_by_field_name("lhs"), env, expected)
            rhs = self.expr(node.child_by_field_name("rhs"), env, lhs if lhs is not None else expected)
            return lhs if lhs == rhs else None
        if kind == "key_path_expression":
            return None
        if kind == "directly_assignable_expression":
            inner = node.named_children[0] if node.named_children else None
            return self.expr(inner, env, expected)
        if kind in ("statements",):
            return self.statements(node, env.child())
        if kind in (
            "if_statement",
            "switch_statement",
            "do_statement",
            "guard_statement",
            "for_statement",
            "assignment",
            "control_transfer_statement",
            "property_declaration",
        ):
            return self.statement(node, env)
        # Anything else: look inside, expecting nothing.
        for c in named(node):
            if c.type in ("user_type", "type_identifier", "comment", "attribute", "type_arguments"):
                continue
            self.expr(c, env, None)
        return None

    def comparison(self, lhs_node, rhs_node, env: Env) -> None:
        """`a == b`: each side is expected to be of the other's type. The
        grammar reads `a == .x && b == .y` as `a == (.x && (b == .y))`, so a
        right side joined by `&&` or `||` is taken apart first."""
        if rhs_node is not None and rhs_node.type in ("conjunction_expression", "disjunction_expression"):
            self.comparison(lhs_node, rhs_node.child_by_field_name("lhs"), env)
            self.expr(rhs_node.child_by_field_name("rhs"), env, T.Named("Bool"))
            return
        if lhs_node is not None and is_implicit_member(lhs_node):
            rhs = self.expr(rhs_node, env, None)
            self.expr(lhs_node, env, T.unwrap(rhs))
        else:
            lhs = self.expr(lhs_node, env, None)
            self.expr(rhs_node, env, T.unwrap(lhs))

    def identifier(self, node: tree_sitter.Node, env: Env) -> T.Type | None:
        name = self.source.text(node)
        found, t = env.lookup(name)
        if found:
            return t
        if name == "Self" and env.self_type is not None:
            return T.Metatype(env.self_type)
        t = self.implicit_member_type(name, env)
        if t is not None:
            return t
        if name in self.app.vars:
            return self.var_type(self.app.vars[name])
        resolved = self.resolve_name(name, env.type_path, env.generics)
        if resolved in self.app.types or resolved in self.ffi.types:
            return T.Metatype(T.Named(resolved))
        if name[:1].isupper():
            return T.Metatype(T.Named(name))
        return None

    def navigation(self, node: tree_sitter.Node, env: Env, expected: T.Type | None) -> T.Type | None:
        s = self.source
        target = node.child_by_field_name("target")
        suffix = node.child_by_field_name("suffix")
        if target is None or suffix is None:
            for c in named(node):
                self.expr(c, env, None)
            return None
        name_node = suffix.child_by_field_name("suffix")
        if name_node is None:
            return None
        name = s.text(name_node)
        if name_node.type != "simple_identifier":  # `.0` on a tuple, `.init`
            base = self.expr(target, env, None)
            if isinstance(base, T.Tuple) and name.isdigit() and int(name) < len(base.elements):
                return base.elements[int(name)][1]
            return None
        chained = any(c.type == "?" for c in node.children)
        # A key path: `\.record.id`, checked from the root the call gives.
        root = key_path_root(node)
        if root is not None:
            if isinstance(expected, KeyPathRoot):
                return self.key_path(node, env, expected.root)
            return None
        if target.type == "simple_identifier" and s.text(target) == MODULE_NAME:
            return self.module_member(name, name_node, env, call_args=None)
        base = self.expr(target, env, None)
        # `try? a.b().c` is `try? (a.b().c)`, though the grammar reads
        # `(try? a.b()).c`; and `a?.b.c` goes on from `b` as if unwrapped.
        chained = chained or is_optional_try(self.source, target) or in_optional_chain(target)
        if chained:
            base = T.unwrap(base)
        t = self.member(base, name, name_node, env, expected)
        if chained and t is not None and not isinstance(t, T.Optional):
            return T.Optional(t)
        return t

    def key_path(self, node: tree_sitter.Node, env: Env, root: T.Type) -> T.Type | None:
        chain = []
        n = node
        while n.type == "navigation_expression":
            suffix = n.child_by_field_name("suffix")
            name = suffix.child_by_field_name("suffix") if suffix is not None else None
            if name is None:
                return None
            chain.append(name)
            n = n.child_by_field_name("target")
        t: T.Type | None = root
        for name_node in reversed(chain):
            name = self.source.text(name_node)
            if name == "self":
                continue
            t = self.member(T.unwrap(t), name, name_node, env, None)
            if t is None:
                return None
        return t

    def member(
        self, base: T.Type | None, name: str, node: tree_sitter.Node, env: Env, expected: T.Type | None
    ) -> T.Type | None:
        """`base.name` (not called)."""
        if base is None:
            return None
        if isinstance(base, T.Metatype):
            inst = base.instance
            if name == "self":
                return base
            if not isinstance(inst, T.Named):
                return None
            for m in self.members(inst, name, quiet=True):
                if isinstance(m, Case):
                    self.count("enum case", node)
                    if m.values:
                        return T.Function(tuple(self.resolve(t, None) or T.Named("?") for _, t in m.values), inst)
                    return inst
                if isinstance(m, Var) and m.is_static:
                    ffi = self.ffi_decl(inst)
                    if ffi is not None and ffi.vars.get(name) is m:
                        self.count("static member", node)
                    return self.var_type(m)
                if isinstance(m, T.Metatype):
                    return m
            decl = self.ffi_decl(inst)
            if decl is not None:
                if decl.kind == "enum":
                    self.enum_case(inst, name, node, None, pattern=False)
                else:
                    self.report(
                        self.source, node, f"the core's `{inst.name}` has no static member `{name}` in the bindings"
                    )
                return None
            return (
                T.Metatype(T.Named(f"{inst.name}.{name}"))
                if name[:1].isupper() and self.app_decl(inst) is None
                else None
            )
        builtin = self.builtin_property(base, name)
        if builtin is not NOT_BUILTIN:
            return builtin
        if not isinstance(base, T.Named):
            return None
        found = self.members(base, name)
        decl = self.ffi_decl(base)
        for m in found:
            if isinstance(m, Var) and not m.is_static:
                if decl is not None and decl.vars.get(name) is m:
                    self.count("field or property", node)
                return self.var_type(m)
        if found:
            return None
        if decl is not None:
            proto = self.protocol_member(base, name)
            if proto is not False:
                return proto if isinstance(proto, T.Type) else None
            what = "field" if decl.kind == "struct" else "property"
            self.count("field or property", node)
            self.report(
                self.source,
                node,
                f"the core's `{base.name}` has no {what} `{name}` in the bindings" + suggest(name, member_names(decl)),
            )
        return None

    def module_member(self, name: str, node: tree_sitter.Node, env: Env, call_args) -> T.Type | None:
        """`FieldbookFFI.name`: a free function or a type of the bindings."""
        if name in self.ffi.types:
            return T.Metatype(T.Named(name))
        funcs = self.ffi.functions.get(name)
        if not funcs:
            self.report(
                self.source,
                node,
                f"the bindings declare no `{name}`" + suggest(name, list(self.ffi.functions) + list(self.ffi.types)),
            )
            return None
        if call_args is None:
            self.count("free function", node)
            return None
        return funcs[0].result

    def prefix(self, node: tree_sitter.Node, env: Env, expected: T.Type | None) -> T.Type | None:
        s = self.source
        if is_implicit_member(node):
            name_node = node.named_children[-1]
            name = s.text(name_node)
            target = T.unwrap(expected)
            if isinstance(expected, T.Optional) and name in ("none", "some"):
                return expected
            if isinstance(target, T.Named) and self.is_ffi(target):
                decl = self.ffi.types[target.name]
                static_vars = [v for v in [decl.vars.get(name)] if v is not None and v.is_static]
                for ext in self.app_extensions(target.name):
                    if name in ext.vars and ext.vars[name].is_static:
                        static_vars.append(ext.vars[name])
                if static_vars:
                    self.count("static member", name_node)
                    return self.var_type(static_vars[0])
                if decl.kind == "enum":
                    case = self.enum_case(target, name, name_node, None, pattern=False)
                    if case is not None and case.values:
                        # A case with associated values used as a function.
                        return T.Function(tuple(self.resolve(t, None) or T.Named("?") for _, t in case.values), target)
                    return target
                self.report(s, name_node, f"the core's `{target.name}` has no static member `{name}` in the bindings")
                return None
            if isinstance(target, T.Named) and self.app_decl(target) is not None:
                for m in self.members(target, name, quiet=True):
                    if isinstance(m, Case):
                        return target
                    if isinstance(m, Var):
                        return self.var_type(m)
                return None
            return None  # no type expected here: nothing to check it against
        operand = node.named_children[-1] if node.named_children else None
        t = self.expr(operand, env, None)
        if first(node, "bang") is not None:
            return T.Named("Bool")
        return t
