"""Declarations and statements of the app: scopes, bindings, returns."""

from __future__ import annotations

import tree_sitter

from .. import swift_types as T
from ..declarations import generics_of, params_of, result_of
from ..source import first, named
from .nodes import STATEMENTS
from .scope import Env


class Statements:
    """Walks declarations and statements (part of Checker)."""

    def declaration(self, node: tree_sitter.Node, env: Env) -> None:
        kind = node.type
        if kind == "class_declaration":
            self.type_declaration(node, env)
        elif kind == "protocol_declaration":
            return
        elif kind in ("function_declaration", "init_declaration"):
            self.function(node, env)
        elif kind == "property_declaration":
            self.local_property(node, env)
        elif kind in ("import_declaration", "comment", "multiline_comment", "typealias_declaration"):
            return
        else:
            self.statement(node, env)

    def type_declaration(self, node: tree_sitter.Node, env: Env) -> None:
        s = self.source
        keyword = next(
            (c.type for c in node.children if c.type in ("struct", "class", "enum", "extension", "actor")), "class"
        )
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        written = s.text(name_node)
        if keyword == "extension":
            name = self.resolve_name(written, None, frozenset())
        else:
            name = f"{env.type_path}.{written}" if env.type_path else written
        decl = self.app.types.get(name)
        generics = env.generics | frozenset(decl.generics if decl else ())
        inner = Env({}, env, T.Named(name), name, None, None, generics)
        self.conformances(node, name, inner)
        body = node.child_by_field_name("body")
        if body is None:
            return
        for member in body.named_children:
            if member.type == "property_declaration":
                # A stored or computed property: its type is known from the
                # declarations; its value and accessors are checked here.
                self.local_property(member, inner.child(), bind=False)
            elif member.type != "enum_entry":
                self.declaration(member, inner)

    def accessors(self, computed: tree_sitter.Node, env: Env) -> None:
        for part in named(computed):
            if part.type == "statements":
                self.statements(part, env.child(), body=True)
            else:  # getter, setter, modify blocks
                for inner in named(part):
                    if inner.type == "statements":
                        self.statements(inner, env.child(vars={"newValue": env.returns}), body=True)
                    elif inner.type == "function_body":
                        body = first(inner, "statements")
                        if body is not None:
                            self.statements(body, env.child(vars={"newValue": env.returns}), body=True)

    def function(self, node: tree_sitter.Node, env: Env) -> None:
        s = self.source
        generics = env.generics | frozenset(generics_of(s, node))
        fenv = env.child(generics=generics)
        params = params_of(s, node)
        for p in params:
            fenv.bind(p.name, self.resolve(p.type, fenv))
        parameter = -1
        for i, child in enumerate(node.children):
            if child.type == "parameter":
                parameter += 1
            elif node.field_name_for_child(i) == "default_value" and 0 <= parameter < len(params):
                # `language: Language = .english`
                self.expr(child, env.child(), self.resolve(params[parameter].type, fenv))
        if node.type == "init_declaration":
            fenv.returns, fenv.returns_at = None, None
        else:
            result, _ = result_of(s, node)
            fenv.returns = self.resolve(result, fenv)
            arrow = next((k for k, c in enumerate(node.children) if c.type == "->"), None)
            fenv.returns_at = node.children[arrow + 1] if arrow is not None else None
        body = node.child_by_field_name("body")
        if body is not None:
            statements = first(body, "statements")
            if statements is not None:
                self.statements(statements, fenv, body=True)
        if env.self_type is None or env.vars or env.parent is None or env.returns is not None:
            # A local function: callable by name in what follows.
            name = node.child_by_field_name("name")
            if name is not None and node.type == "function_declaration":
                env.bind(
                    s.text(name),
                    T.Function(
                        tuple(self.resolve(p.type, fenv) or T.Named("?") for p in params), fenv.returns or T.VOID
                    ),
                )

    def statements(self, node: tree_sitter.Node, env: Env, body: bool = False) -> T.Type | None:
        """Walks a block; gives the type of a single-expression block. In a
        function's, closure's or accessor's `body`, a single expression is
        what it returns, so it is expected to be of the result type."""
        children = [c for c in node.named_children if c.type not in ("comment", "multiline_comment")]
        if body and len(children) == 1 and children[0].type not in STATEMENTS:
            return self.expr(children[0], env, env.returns)
        last = None
        for child in children:
            last = self.statement(child, env)
        return last if len(children) == 1 else None

    def statement(self, node: tree_sitter.Node, env: Env) -> T.Type | None:
        kind = node.type
        if kind == "property_declaration":
            self.local_property(node, env)
        elif kind in ("function_declaration", "init_declaration"):
            self.function(node, env)
        elif kind == "class_declaration":
            self.type_declaration(node, env)
        elif kind == "if_statement":
            self.if_statement(node, env)
        elif kind == "guard_statement":
            self.guard_statement(node, env)
        elif kind == "for_statement":
            self.for_statement(node, env)
        elif kind in ("while_statement", "repeat_while_statement"):
            inner = env.child()
            self.conditions(node, inner, inner)
            for block in named(node, "statements"):
                self.statements(block, inner.child())
        elif kind == "switch_statement":
            self.switch_statement(node, env)
        elif kind == "do_statement":
            self.do_statement(node, env)
        elif kind == "control_transfer_statement":
            self.control_transfer(node, env)
        elif kind == "assignment":
            self.assignment(node, env)
        elif kind == "statements":
            self.statements(node, env.child())
        elif kind in ("comment", "multiline_comment"):
            pass
        else:
            return self.expr(node, env, None)
        return None

    def local_property(self, node: tree_sitter.Node, env: Env, bind: bool = True) -> None:
        """`let a: T = x, b = y`, or a computed property: checks each value
        against its annotation and binds the names in `env`."""
        s = self.source
        for attr_holder in named(node, "modifiers"):
            for attr in named(attr_holder, "attribute"):
                for arg in named(attr):  # `@Environment(AppModel.self)`
                    if arg.type != "user_type":
                        self.expr(arg, env.child(), None)
        current = None  # the name pattern whose annotation and value come next
        declared = None
        written_at = None

        def done() -> None:
            if current is not None and bind:
                self.bind_pattern(current, declared, env)

        for i, child in enumerate(node.children):
            field_name = node.field_name_for_child(i)
            if child.type == "pattern" and field_name == "name":
                done()
                current, declared, written_at = child, None, None
            elif child.type == "type_annotation":
                written_at = child
                declared = self.resolve(T.try_parse_type(s.text(child)[1:]), env)
            elif field_name == "value" and current is not None:
                inferred = self.expr(child, env.child(), declared)
                if declared is not None:
                    self.agree(declared, written_at, inferred, child, env)
                else:
                    declared = inferred
            elif child.type == "computed_property":
                self.accessors(child, env.child(returns=declared, returns_at=written_at))
        done()

    def bind_pattern(self, pattern: tree_sitter.Node, t: T.Type | None, env: Env) -> None:
        s = self.source
        bound = pattern.child_by_field_name("bound_identifier")
        if bound is not None:
            env.bind(s.text(bound), t)
            return
        subs = named(pattern, "pattern")
        if subs:
            elements = t.elements if isinstance(t, T.Tuple) and len(t.elements) == len(subs) else None
            for k, sub in enumerate(subs):
                self.bind_pattern(sub, elements[k][1] if elements else None, env)
            return
        ident = first(pattern, "simple_identifier")
        if ident is not None:
            env.bind(s.text(ident), t)

    def assignment(self, node: tree_sitter.Node, env: Env) -> None:
        target = node.child_by_field_name("target")
        result = node.child_by_field_name("result")
        target_type = None
        if target is not None:
            inner = target.named_children[0] if target.named_children else None
            if inner is not None and not (inner.type == "simple_identifier" and self.source.text(inner) == "_"):
                target_type = self.expr(inner, env, None)
        if result is not None:
            self.expr(result, env, target_type)

    def control_transfer(self, node: tree_sitter.Node, env: Env) -> None:
        result = node.child_by_field_name("result")
        keyword = node.children[0].type if node.children else ""
        values = [result] if result is not None else [c for c in node.named_children if c.type != "throw_keyword"]
        for value in values:
            if keyword == "return":
                inferred = self.expr(value, env, env.returns)
                if env.returns is not None and env.returns_at is not None:
                    self.agree(env.returns, env.returns_at, inferred, value, env)
                if env.closure_results is not None:
                    env.closure_results.append(inferred)
            else:
                self.expr(value, env, None)

    def if_statement(self, node: tree_sitter.Node, env: Env) -> None:
        then_env = env.child()
        self.conditions(node, env, then_env)
        saw_else = False
        for child in node.children:
            if child.type == "else":
                saw_else = True
            elif child.type == "statements":
                self.statements(child, env.child() if saw_else else then_env.child())
            elif child.type == "if_statement":
                self.if_statement(child, env)

    def guard_statement(self, node: tree_sitter.Node, env: Env) -> None:
        before = env.child()
        before.vars = dict(env.vars)
        self.conditions(node, env, env)
        for child in node.named_children:
            if child.type == "statements":
                self.statements(child, before.child())

    def conditions(self, node: tree_sitter.Node, env: Env, bind_env: Env) -> None:
        """The comma-separated conditions of `if`, `guard` and `while`: boolean
        expressions, optional bindings and `case` patterns, in order."""
        clause: list[tree_sitter.Node] = []
        for child in node.children:
            if child.type in ("{", "else", "statements"):
                break
            if child.type in ("if", "guard", "while"):
                continue
            if child.type == ",":
                self.condition(clause, env, bind_env)
                clause = []
            else:
                clause.append(child)
        if clause:
            self.condition(clause, env, bind_env)

    def condition(self, clause: list[tree_sitter.Node], env: Env, bind_env: Env) -> None:
        s = self.source
        if not clause:
            return
        scope = bind_env
        if clause[0].type == "case":
            eq = next((k for k, c in enumerate(clause) if c.type == "="), None)
            if eq is None:
                return
            subject = self.expr(clause[eq + 1], scope, None) if eq + 1 < len(clause) else None
            self.match_pattern(clause[1:eq], subject, scope, clause[0])
            return
        if clause[0].type == "value_binding_pattern":
            name = None
            declared = None
            written = None
            value = None
            for k, c in enumerate(clause[1:], 1):
                if c.type == "simple_identifier" and name is None:
                    name = s.text(c)
                elif c.type == "type_annotation":
                    written = s.text(c)[1:].strip()
                    declared = self.resolve(T.try_parse_type(written), env)
                elif c.type == "=":
                    value = clause[k + 1] if k + 1 < len(clause) else None
                    break
            if name is None:
                return
            if value is None:  # `if let name`: the same name, unwrapped
                _, t = scope.lookup(name)
                if t is None:
                    t = self.implicit_member_type(name, scope)
                scope.bind(name, T.unwrap(t))
                return
            inferred = self.expr(value, scope, T.Optional(declared) if declared else None)
            scope.bind(name, declared if declared is not None else T.unwrap(inferred))
            return
        for c in clause:
            if c.is_named and c.type not in ("availability_condition",):
                self.expr(c, scope, None)

    def for_statement(self, node: tree_sitter.Node, env: Env) -> None:
        collection = node.child_by_field_name("collection")
        item = node.child_by_field_name("item")
        element = T.element_of(self.expr(collection, env, None)) if collection is not None else None
        inner = env.child()
        if item is not None:
            self.bind_pattern(item, element, inner)
        for child in node.named_children:
            if child.type == "where_clause":
                for c in named(child):
                    if c.type != "where_keyword":
                        self.expr(c, inner, None)
            elif child.type == "statements":
                self.statements(child, inner.child())

    def do_statement(self, node: tree_sitter.Node, env: Env) -> None:
        for child in node.named_children:
            if child.type == "statements":
                self.statements(child, env.child())
            elif child.type == "catch_block":
                inner = env.child(vars={"error": T.Named("Error")})
                pattern = child.child_by_field_name("error")
                if pattern is not None:
                    self.catch_pattern(pattern, inner)
                for block in named(child, "statements"):
                    self.statements(block, inner)
