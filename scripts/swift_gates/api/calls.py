"""Calls: methods, initializers, enum cases with values, free functions;
their argument labels against the bindings, and closures' parameter types."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from ..declarations import Case, Func, Param
from ..source import first, named
from .arguments import arguments, assign, labels_match, labels_text, substitute
from .modules import MODULE_NAME, member_names, suggest
from .nodes import (
    closure_param_count,
    in_optional_chain,
    is_implicit_member,
    is_key_path,
    is_optional_try,
)
from .scope import NOT_BUILTIN, Env, KeyPathRoot


class Calls:
    """Calls and closures (part of Checker)."""

    def call(self, node: tree_sitter.Node, env: Env, expected: T.Type | None) -> T.Type | None:
        s = self.source
        callee = node.named_children[0] if node.named_children else None
        suffix = first(node, "call_suffix")
        if callee is None or suffix is None:
            for c in named(node):
                self.expr(c, env, None)
            return None
        args = arguments(s, suffix)
        value_args = first(suffix, "value_arguments")
        if value_args is not None and s.text(value_args).startswith("["):
            return self.subscript(callee, args, env)
        if value_args is None and callee.type in ("try_expression", "await_expression"):
            # `try await run(qos: q) { … }`: the grammar hangs the trailing
            # closure on `try`; it belongs to the call inside.
            inner, optional_try = callee, False
            while inner is not None and inner.type in ("try_expression", "await_expression"):
                optional_try = optional_try or is_optional_try(s, inner)
                inner = next((c for c in inner.named_children if c.type not in ("try_operator",)), None)
            inner_suffix = (
                first(inner, "call_suffix") if inner is not None and inner.type == "call_expression" else None
            )
            inner_args = first(inner_suffix, "value_arguments") if inner_suffix is not None else None
            if (
                inner_args is not None
                and not s.text(inner_args).startswith("[")
                and first(inner_suffix, "lambda_literal") is None
            ):
                t = self.invoke(inner.named_children[0], arguments(s, inner_suffix) + args, env, expected)
                return T.Optional(T.unwrap(t)) if optional_try and t is not None else t
        return self.invoke(callee, args, env, expected)

    def invoke(self, callee: tree_sitter.Node, args, env: Env, expected: T.Type | None) -> T.Type | None:
        """A call of `callee` with `args` (label, value node)."""
        s = self.source
        # The grammar reads `"a" + f(x)` as `("a" + f)(x)` and `!f(x)` as
        # `(!f)(x)`: the call belongs to the last operand.
        if callee.type in ("additive_expression", "multiplicative_expression"):
            lhs_type = self.expr(callee.child_by_field_name("lhs"), env, expected)
            rhs_type = self.invoke(callee.child_by_field_name("rhs"), args, env, lhs_type)
            return lhs_type if lhs_type == rhs_type else None
        if callee.type == "prefix_expression" and not is_implicit_member(callee) and callee.named_children:
            operand = callee.named_children[-1]
            t = self.invoke(operand, args, env, None)
            return T.Named("Bool") if first(callee, "bang") is not None else t
        # What is called, and what its parameters expect.
        candidates: list[Func] = []
        owner_env: Env | None = None
        checked = None  # (kind, owner's name, name, node): a use of the core to check
        if callee.type == "simple_identifier":
            name = s.text(callee)
            found, local = env.lookup(name)
            if found:
                fn = local
                if isinstance(fn, T.Function):
                    self.visit_args(args, env, [Param(None, "_", p, "", False) for p in fn.params])
                    return fn.result
                self.visit_args(args, env, None)
                return None
            own = self.own_funcs(env, name)
            if own:
                candidates = own
                owner_env = env
            elif name in self.app.functions:
                candidates = self.app.functions[name]
            elif name in self.ffi.functions:
                self.report(
                    s,
                    callee,
                    f"call the core's free function as `{MODULE_NAME}.{name}(…)`, so that a rename "
                    "in the core is caught here",
                )
                candidates = self.ffi.functions[name]
                checked = ("free function", None, name, callee)
            else:
                known = self.library_function(name, args, env)
                if known is not NOT_BUILTIN:
                    return known
                meta = self.identifier(callee, env)
                if isinstance(meta, T.Metatype) and isinstance(meta.instance, T.Named):
                    return self.construct(meta.instance, callee, args, env, expected)
                if isinstance(meta, T.Function):
                    self.visit_args(args, env, [Param(None, "_", p, "", False) for p in meta.params])
                    return meta.result
                self.visit_args(args, env, None)
                return None
        elif callee.type == "navigation_expression":
            target = callee.child_by_field_name("target")
            nav_suffix = callee.child_by_field_name("suffix")
            name_node = nav_suffix.child_by_field_name("suffix") if nav_suffix is not None else None
            if target is None or name_node is None or name_node.type != "simple_identifier":
                self.expr(callee, env, None)
                self.visit_args(args, env, None)
                return None
            name = s.text(name_node)
            chained = (
                any(c.type == "?" for c in callee.children) or is_optional_try(s, target) or in_optional_chain(target)
            )
            if target.type == "simple_identifier" and s.text(target) == MODULE_NAME:
                if name in self.ffi.types:
                    return self.construct(T.Named(name), name_node, args, env, expected)
                self.module_member(name, name_node, env, call_args=args)
                candidates = self.ffi.functions.get(name, [])
                checked = ("free function", None, name, name_node) if candidates else None
                if not candidates:
                    self.visit_args(args, env, None)
                    return None
            else:
                base = self.expr(target, env, None)
                if chained:
                    base = T.unwrap(base)
                if name == "init" and isinstance(base, T.Metatype) and isinstance(base.instance, T.Named):
                    return self.construct(base.instance, name_node, args, env, expected)
                if isinstance(base, T.Metatype) and isinstance(base.instance, T.Named):
                    case = self.case_call(base.instance, name, name_node, args, env)
                    if case is not NOT_BUILTIN:
                        return case
                r = self.method_call(base, name, name_node, args, env, expected)
                if r is not NOT_BUILTIN:
                    if chained and r is not None and not isinstance(r, T.Optional):
                        return T.Optional(r)
                    return r
                if isinstance(base, T.Named) and self.is_ffi(base):
                    checked = ("method", base.name, name, name_node)
                candidates = (
                    [m for m in self.members(base, name) if isinstance(m, Func)] if isinstance(base, T.Named) else []
                )
                if isinstance(base, T.Metatype) and isinstance(base.instance, T.Named):
                    candidates = [m for m in self.members(base.instance, name) if isinstance(m, Func) and m.is_static]
                    if self.is_ffi(base.instance):
                        checked = ("static method", base.instance.name, name, name_node)
                if checked and not candidates:
                    owner = checked[1]
                    kind_word = "static method" if checked[0] == "static method" else "method"
                    decl = self.ffi.types[owner]
                    self.count("call", name_node)
                    self.report(
                        s,
                        name_node,
                        f"the core's `{owner}` has no {kind_word} `{name}` in the bindings"
                        + suggest(name, member_names(decl)),
                    )
                    self.visit_args(args, env, None)
                    return None
                if not candidates:
                    self.visit_args(args, env, None)
                    return None
                owner_env = env
        elif callee.type == "prefix_expression" and is_implicit_member(callee):
            name_node = callee.named_children[-1]
            name = s.text(name_node)
            target_type = T.unwrap(expected)
            if isinstance(target_type, T.Named) and (
                self.is_ffi(target_type) or self.app_decl(target_type) is not None
            ):
                case = self.case_call(target_type, name, name_node, args, env)
                if case is not NOT_BUILTIN:
                    return case
                candidates = [
                    m for m in self.members(target_type, name, quiet=True) if isinstance(m, Func) and m.is_static
                ]
                if self.is_ffi(target_type):
                    checked = ("static method", target_type.name, name, name_node)
            if not candidates:
                self.visit_args(args, env, None)
                return None
        else:
            self.expr(callee, env, None)
            self.visit_args(args, env, None)
            return None

        # Pick the declaration whose labels match.
        labels = [label for label, _ in args]
        matching = [f for f in candidates if labels_match(labels, f.params)]
        if checked is not None:
            self.count("call", checked[3])
            if not matching:
                owner, name = checked[1], checked[2]
                where = f"`{owner}.{name}`" if owner else f"`{name}`"
                have = ", ".join(f"`{f.signature()}`" for f in candidates)
                self.report(
                    s,
                    checked[3],
                    f"wrong argument labels for the core's {where}: the app writes "
                    f"`{name}({labels_text(labels)})`, the bindings have {have}",
                )
        chosen = matching[0] if matching else (candidates[0] if len(candidates) == 1 else None)
        if chosen is None:
            self.visit_args(args, env, None)
            return None
        fenv = (
            owner_env.child(generics=(owner_env.generics | frozenset(chosen.generics)))
            if owner_env
            else Env({}, None, generics=frozenset(chosen.generics))
        )
        if chosen.owner and owner_env is not None:
            fenv.type_path = chosen.owner if chosen.owner in self.app.types else fenv.type_path
        params = [Param(p.label, p.name, self.resolve(p.type, fenv), p.type_text, p.has_default) for p in chosen.params]
        bound = self.visit_args(args, env, params if matching else None, generics=frozenset(chosen.generics))
        result = self.resolve(chosen.result, fenv)
        if chosen.generics and bound:
            result = substitute(result, bound)
        if result is not None and any(n.name in chosen.generics for n in T.named_types(result)):
            return None
        return result

    def case_call(self, t: T.Named, name: str, node: tree_sitter.Node, args, env: Env):
        """`Enum.case(…)` or `.case(…)`: a case with associated values. Gives
        the enum's type, or NOT_BUILTIN when `name` is no case (a static
        method, say)."""
        labels = [label for label, _ in args]
        ffi = self.ffi_decl(t)
        if ffi is not None and ffi.kind == "enum":
            if name not in ffi.cases and any(
                f.is_static for f in self.members(t, name, quiet=True) if isinstance(f, Func)
            ):
                return NOT_BUILTIN
            case = self.enum_case(t, name, node, [(label, None) for label in labels], pattern=False)
            params = (
                [Param(label, label or "_", self.resolve(v, None), "", False) for label, v in case.values]
                if case
                else None
            )
            self.visit_args(args, env, params if params is not None and labels_match(labels, params) else None)
            return t
        for m in self.members(t, name, quiet=True):
            if isinstance(m, Case):
                params = [
                    Param(label, label or "_", self.resolve(v, Env({}, None, t, t.name)), "", False)
                    for label, v in m.values
                ]
                self.visit_args(args, env, params if labels_match(labels, params) else None)
                return t
        return NOT_BUILTIN

    def own_funcs(self, env: Env, name: str) -> list[Func]:
        if not isinstance(env.self_type, T.Named):
            return []
        return [m for m in self.members(env.self_type, name, quiet=True) if isinstance(m, Func)]

    def construct(self, t: T.Named, node: tree_sitter.Node, args, env: Env, expected) -> T.Type | None:
        """`Type(…)`: an initializer of a core type is checked by its labels."""
        s = self.source
        labels = [label for label, _ in args]
        inits: list[Func] = []
        for decl in [self.ffi_decl(t), self.app_decl(t)] + self.app_extensions(t.name):
            if decl is not None:
                inits.extend(decl.funcs.get("init", []))
        if self.is_ffi(t):
            self.count("initializer", node)
            matching = [f for f in inits if labels_match(labels, f.params)]
            if not matching:
                have = ", ".join(f"`{f.signature()}`" for f in inits) or "no public initializer"
                self.report(
                    s,
                    node,
                    f"wrong arguments for the core's `{t.name}(…)`: the app writes "
                    f"`{t.name}({labels_text(labels)})`, the bindings have {have}",
                )
                self.visit_args(args, env, None)
                return t
            chosen = matching[0]
        else:
            if t.name == "Array" and len(args) == 1 and args[0][0] is None and args[0][1] is not None:
                inner = self.expr(args[0][1], env, None)
                return inner if isinstance(inner, T.Array) else None
            binding = T.unwrap(expected)
            if t.name == "Binding" and isinstance(binding, T.Named) and binding.name == "Binding" and binding.args:
                # `Binding(get: { … }, set: { value in … })` where a Binding<Value> is expected.
                value = binding.args[0]
                params = [
                    Param("get", "get", T.Function((), value), "", False),
                    Param("set", "set", T.Function((value,), T.VOID), "", False),
                ]
                self.visit_args(args, env, params if labels_match(labels, params) else None)
                return binding
            if t.name == "ForEach" and args:
                data = self.expr(args[0][1], env, None) if args[0][1] is not None else None
                elem = T.element_of(data)
                rest = args[1:]
                params = [
                    Param(label, "_", KeyPathRoot(elem) if elem is not None and label == "id" else None, "", False)
                    for label, _ in rest
                ]
                self.visit_args(rest, env, params, closure_params=[elem] if elem is not None else None)
                return None
            matching = [f for f in inits if labels_match(labels, f.params)]
            chosen = matching[0] if matching else None
            if chosen is None:
                self.visit_args(args, env, None)
                return t if self.app_decl(t) is not None else None
        fenv = Env({}, None, t, t.name if self.app_decl(t) else None)
        params = [Param(p.label, p.name, self.resolve(p.type, fenv), p.type_text, p.has_default) for p in chosen.params]
        self.visit_args(args, env, params)
        result = self.resolve(chosen.result, fenv)
        return result if result is not None else t

    def subscript(self, callee: tree_sitter.Node, args, env: Env) -> T.Type | None:
        base = self.expr(callee, env, None)
        b = (
            T.unwrap(base)
            if callee.type == "navigation_expression" and any(c.type == "?" for c in callee.children)
            else base
        )
        if isinstance(b, T.Dictionary):
            self.visit_args(args, env, [Param(None, "_", b.key, "", False)])
            return T.Optional(b.value)
        if isinstance(b, T.Array):
            self.visit_args(args, env, None)
            return b.element
        self.visit_args(args, env, None)
        return None

    def visit_args(
        self,
        args,
        env: Env,
        params: list[Param] | None,
        generics: frozenset = frozenset(),
        closure_params: list | None = None,
        closure_expected: T.Type | None = None,
        key_root: T.Type | None = None,
    ) -> dict:
        """Walks the arguments, each with what its parameter expects;
        closures get their parameters' types. Gives generic bindings
        (`$result`: what a closure returned)."""
        bound: dict = {}
        mapping = (assign(args, params) if params is not None else None) or [None] * len(args)
        for (_, value), param in zip(args, mapping):
            if value is None:
                continue
            expected = param.type if param is not None else None
            if value.type == "lambda_literal":
                fn = T.unwrap(expected)
                if isinstance(fn, T.Function):
                    wanted = fn.result if not any(n.name in generics for n in T.named_types(fn.result)) else None
                    r = self.closure(value, env, list(fn.params), wanted)
                    if isinstance(fn.result, T.Named) and fn.result.name in generics and r is not None:
                        bound[fn.result.name] = r
                else:
                    r = self.closure(value, env, closure_params, closure_expected)
                    bound["$result"] = r
                continue
            if expected is None and key_root is not None and is_key_path(value):
                expected = KeyPathRoot(key_root)
            if (
                expected is None
                and closure_params is not None
                and value.type == "navigation_expression"
                and is_key_path(value)
            ):
                expected = KeyPathRoot(closure_params[0]) if closure_params[0] is not None else None
            if isinstance(expected, T.Named) and expected.name in generics:
                t = self.expr(value, env, None)
                if t is not None:
                    bound[expected.name] = t
                continue
            self.expr(value, env, expected)
        return bound

    def closure(self, node: tree_sitter.Node, env: Env, params: list | None, result: T.Type | None) -> T.Type | None:
        s = self.source
        inner = env.child(returns=result, returns_at=None, closure_results=[])
        ftype = node.child_by_field_name("type")
        written = closure_param_count(ftype)
        if params and len(params) == 1 and isinstance(params[0], T.Tuple) and written == len(params[0].elements) > 1:
            # `{ _, losing in }` for one (offset, element) parameter: Swift spreads the tuple.
            params = [t for _, t in params[0].elements]
        declared_result = None
        written_result = None
        result_at = None
        if ftype is not None:
            names = []
            plist = first(ftype, "lambda_function_type_parameters")
            if plist is not None:
                for k, p in enumerate(named(plist, "lambda_parameter")):
                    pname = p.child_by_field_name("name")
                    text = s.text(p)
                    ptype = T.try_parse_type(text.split(":", 1)[1]) if ":" in text else None
                    t = (
                        self.resolve(ptype, env)
                        if ptype is not None
                        else (params[k] if params and k < len(params) else None)
                    )
                    if pname is not None:
                        inner.bind(s.text(pname), t)
                    names.append(pname)
            else:
                # `{ a, b in }` without parentheses, or `(a, b)`
                idents = [c for c in ftype.named_children if c.type == "simple_identifier"]
                for k, ident in enumerate(idents):
                    inner.bind(s.text(ident), params[k] if params and k < len(params) else None)
            children = ftype.children
            for k, c in enumerate(children):
                if c.type == "->" and k + 1 < len(children):
                    written_result = s.data[children[k + 1].start_byte : ftype.end_byte].decode().strip()
                    result_at = children[k + 1]
                    declared_result = self.resolve(T.try_parse_type(written_result), env)
            if declared_result is not None:
                inner.returns = declared_result
                inner.returns_at = result_at
        if params:
            for k, p in enumerate(params):
                inner.bind(f"${k}", p)
        body = first(node, "statements")
        single = self.statements(body, inner, body=True) if body is not None else None
        if declared_result is not None:
            if single is not None:  # `{ store -> RecordList in try store.clients() }`
                self.agree(declared_result, result_at, single, body.named_children[0], env)
            return declared_result
        if single is not None:
            return single
        return next((r for r in (inner.closure_results or []) if r is not None), None)
