"""The API gate: the app's uses of the core agree with the generated bindings.

What counts as a use of the core (the rule this gate enforces)
----------------------------------------------------------------
The core's API is what the generated FieldbookFFI.swift declares as public:
its types (records, enums, errors, objects, callback protocols), their
members and cases, and its free functions. The app uses it

1. by naming a core type in a call or a static access: `FieldbookStore.open(…)`,
   `ChoiceSpec(value:label:)`, `FieldbookError.Locked(detail:)`;
2. through a value whose type the gate knows to be a core type: a member,
   a method call or a key path on it (`store.searchClients(text:area:)`,
   `summary.pushed`, `\\.deviceId`);
3. with an enum case where the expected type is a core enum: `.contact`
   as an argument, a pattern in a `switch` or `catch`, an `if case`;
4. by conforming to a core callback protocol (`PlatformKeyStore`,
   `SyncProgressListener`): every requirement must be implemented with the
   same name, labels, parameter and result types;
5. by calling a core free function, always written `FieldbookFFI.name(…)`
   (an unqualified call would go unnoticed once the core renames it);
6. by switching over a core enum without `default`: every case of the
   bindings must be handled.

Each such use must exist in the bindings with the same argument labels
(parameters with a default value may be left out). Anything else is not a
use of the core and is left alone: SwiftUI, Foundation and the app's own
types. The gate knows a value's type from annotations, from the bindings'
signatures, from the app's own declarations (such as `perform`'s closure
parameter) and from a few standard library members (`first`, `filter`, …);
where it cannot know a type it checks nothing, and never guesses.

A type name that the bindings no longer declare is reported where a value
of the core meets it: an annotation, a closure's declared result or a
function's result type whose written type is declared nowhere while the
core's value has a core type. Types in general (arguments' types,
conversions) and concurrency are only checked by the Swift compiler.
"""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field

import tree_sitter

from . import swift_types as T
from .declarations import Case, Func, Param, TypeDecl, Var, collect, generics_of, params_of, result_of
from .source import Finding, Source, first, named

MODULE_NAME = "FieldbookFFI"

# Members that a core type has through the standard protocols it conforms to.
_PROTOCOL_MEMBERS = {
    "Hashable": {"hashValue": "Int", "hash": None},
    "Error": {"localizedDescription": "String"},
    "LocalizedError": {"errorDescription": "String?", "failureReason": "String?",
                       "recoverySuggestion": "String?", "helpAnchor": "String?",
                       "localizedDescription": "String"},
    "CustomStringConvertible": {"description": "String"},
    "CustomDebugStringConvertible": {"debugDescription": "String"},
    "CaseIterable": {"allCases": None},
    "Identifiable": {"id": None},
    "Encodable": {"encode": None},
}
# Standard types and protocols a value of a core type may be written as
# (the type's own conformances in the bindings count too).
_ANY_PROTOCOLS = {"Any", "AnyObject", "AnyHashable", "Sendable", "Error", "Equatable", "Hashable", "Comparable",
                  "Identifiable", "CustomStringConvertible", "CustomDebugStringConvertible", "LocalizedError",
                  "Codable", "Encodable", "Decodable"}


@dataclass
class KeyPathRoot(T.Type):
    """Expected of a key path argument: the type its root is."""

    root: T.Type


@dataclass
class Env:
    """Where an expression is: its scopes, the enclosing type, what `return` expects."""

    vars: dict[str, T.Type | None]
    parent: "Env | None" = None
    self_type: T.Type | None = None
    type_path: str | None = None
    returns: T.Type | None = None
    returns_at: tree_sitter.Node | None = None  # the written result type
    generics: frozenset[str] = frozenset()
    closure_results: list | None = None

    def child(self, **changes) -> "Env":
        env = Env({}, self, self.self_type, self.type_path, self.returns, self.returns_at,
                  self.generics, self.closure_results)
        for k, v in changes.items():
            setattr(env, k, v)
        return env

    def lookup(self, name: str) -> tuple[bool, T.Type | None]:
        env: Env | None = self
        while env is not None:
            if name in env.vars:
                return True, env.vars[name]
            env = env.parent
        return False, None

    def bind(self, name: str, t: T.Type | None) -> None:
        if name and name != "_":
            self.vars[name] = t


@dataclass
class Stats:
    counts: Counter = field(default_factory=Counter)
    uses: list[str] = field(default_factory=list)
    unresolved_implicit: int = 0

    def total(self) -> int:
        return sum(self.counts.values())


class Checker:
    def __init__(self, bindings: list[Source], app: list[Source]):
        self.ffi = collect(bindings, public_only=True)
        self._merge_ffi_extensions()
        self.app = collect(app)
        self.sources = app
        self.findings: list[Finding] = []
        self.stats = Stats()
        self._quiet = 0
        self._member_types: dict[tuple[str, str], T.Type | None] = {}
        self._in_progress: set[tuple[str, str]] = set()

    # --- the two modules -------------------------------------------------

    def _merge_ffi_extensions(self) -> None:
        """The bindings declare conformances and members in extensions of
        their own types: fold them into the types."""
        for name, exts in self.ffi.extensions.items():
            decl = self.ffi.types.get(name)
            if decl is None:
                continue
            for ext in exts:
                decl.conformances.extend(ext.conformances)
                for fname, funcs in ext.funcs.items():
                    decl.funcs.setdefault(fname, []).extend(funcs)
                decl.vars.update(ext.vars)

    def is_ffi(self, t: T.Type | None) -> bool:
        return isinstance(t, T.Named) and t.name in self.ffi.types and t.name not in self.app.types

    def ffi_decl(self, t: T.Type | None) -> TypeDecl | None:
        return self.ffi.types[t.name] if self.is_ffi(t) else None

    def app_decl(self, t: T.Type | None) -> TypeDecl | None:
        return self.app.types.get(t.name) if isinstance(t, T.Named) else None

    def app_extensions(self, name: str) -> list[TypeDecl]:
        out = []
        for written, exts in self.app.extensions.items():
            if written == name or self.resolve_name(written, None, frozenset()) == name:
                out.extend(exts)
        return out

    def resolve_name(self, name: str, type_path: str | None, generics: frozenset[str]) -> str:
        if name in generics:
            return name
        head, _, rest = name.partition(".")
        if head == MODULE_NAME and rest:
            return rest
        if rest:
            resolved = self.resolve_name(head, type_path, generics)
            return f"{resolved}.{rest}"
        path = type_path
        while path:
            candidate = f"{path}.{name}"
            if candidate in self.app.types:
                return candidate
            path = path.rpartition(".")[0] if "." in path else None
        return name

    def resolve(self, t: T.Type | None, env: Env | None) -> T.Type | None:
        type_path = env.type_path if env else None
        generics = env.generics if env else frozenset()

        def fix(n: T.Named) -> T.Type:
            if n.name == "Self" and env is not None and isinstance(env.self_type, T.Named):
                return env.self_type
            name = self.resolve_name(n.name, type_path, generics)
            for aliases in (self.app.typealiases, self.ffi.typealiases):
                target = aliases.get(name)
                if target is not None and not n.args:
                    return self.resolve(target, None) or target
            return T.Named(name, n.args)

        return T.map_named(t, fix)

    # --- findings ----------------------------------------------------------

    def report(self, source: Source, node: tree_sitter.Node, message: str) -> None:
        if self._quiet:
            return
        f = source.finding(node, message)
        if f not in self.findings:
            self.findings.append(f)

    def count(self, kind: str, node: tree_sitter.Node) -> None:
        if not self._quiet:
            self.stats.counts[kind] += 1
            line, column = self.source.line_col(node)
            self.stats.uses.append(f"{self.source.path}:{line}:{column}: {kind} `{self.source.text(node)}`")

    # --- entry -------------------------------------------------------------

    def run(self) -> list[Finding]:
        for source in self.sources:
            self.source = source
            env = Env({})
            for node in source.root.named_children:
                self.declaration(node, env)
        self.findings.sort(key=lambda f: (f.path, f.line, f.column))
        return self.findings

    # --- declarations ------------------------------------------------------

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
        keyword = next((c.type for c in node.children if c.type in ("struct", "class", "enum", "extension", "actor")), "class")
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
                env.bind(s.text(name), T.Function(tuple(self.resolve(p.type, fenv) or T.Named("?") for p in params),
                                                  fenv.returns or T.VOID))

    # --- conformance to the core's callback protocols -------------------------

    def conformances(self, node: tree_sitter.Node, name: str, env: Env) -> None:
        s = self.source
        for spec in node.children_by_field_name("inherits_from") or []:
            self._conformance(s, spec, name, env)
        for spec in named(node, "inheritance_specifier"):
            target = spec.child_by_field_name("inherits_from")
            if target is not None:
                self._conformance(s, target, name, env)

    def _conformance(self, s: Source, spec: tree_sitter.Node, name: str, env: Env) -> None:
        protocol_name = self.resolve_name(s.text(spec).replace("@unchecked", "").strip(), None, frozenset())
        protocol = self.ffi.types.get(protocol_name)
        if protocol is None or protocol.kind != "protocol":
            return
        own: list[Func] = []
        decl = self.app.types.get(name)
        for d in ([decl] if decl else []) + self.app_extensions(name):
            for funcs in d.funcs.values():
                own.extend(funcs)
        for fname, requirements in protocol.funcs.items():
            for req in requirements:
                self.count("protocol requirement", spec)
                same_name = [f for f in own if f.name == fname]
                match = [f for f in same_name if [p.label for p in f.params] == [p.label for p in req.params]]
                if not match:
                    have = ", ".join(f"`{f.signature()}`" for f in same_name)
                    self.report(s, spec, f"`{name}` conforms to the core's `{protocol_name}` but does not implement "
                                         f"`{req.signature()}`" + (f" (it has {have})" if have else ""))
                    continue
                impl = match[0]
                want = [self.resolve(p.type, None) for p in req.params]
                got = [self.resolve(p.type, env) for p in impl.params]
                if want != got:
                    self.report(impl.source, impl.node,
                                f"`{name}.{impl.signature()}` takes ({', '.join(p.type_text for p in impl.params)}) "
                                f"but the core's `{protocol_name}` passes ({', '.join(p.type_text for p in req.params)})")
                if self.resolve(req.result, None) != self.resolve(impl.result, env):
                    self.report(impl.source, impl.node,
                                f"`{name}.{impl.signature()}` returns `{impl.result_text}` but the core's "
                                f"`{protocol_name}` expects `{req.result_text}`")
                if impl.throws and not req.throws:
                    self.report(impl.source, impl.node,
                                f"`{name}.{impl.signature()}` throws, but the core's `{protocol_name}` does not let it")

    # --- statements ----------------------------------------------------------

    def statements(self, node: tree_sitter.Node, env: Env, body: bool = False) -> T.Type | None:
        """Walks a block; gives the type of a single-expression block. In a
        function's, closure's or accessor's `body`, a single expression is
        what it returns, so it is expected to be of the result type."""
        children = [c for c in node.named_children if c.type not in ("comment", "multiline_comment")]
        if body and len(children) == 1 and children[0].type not in _STATEMENTS:
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

    # --- patterns ------------------------------------------------------------------

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
                self.report(self.source, subject_node,
                            f"this switch over the core's `{decl.name}` has no `default` and does not handle {cases} "
                            f"(declared in the bindings)")

    def match_pattern(self, parts: list[tree_sitter.Node], subject: T.Type | None, env: Env,
                      at: tree_sitter.Node, explicit_type: bool = False) -> str | None:
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
            for p in rest[k + 1:]:
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
                    if inner.child_by_field_name("bound_identifier") is not None or first(inner, "simple_identifier") is not None and len(inner.named_children) == 1:
                        self.bind_pattern(inner, vt, env)
                    else:
                        self.match_pattern(list(inner.children), vt, env, inner)
                elif len(sub) == 1 and sub[0].type == "simple_identifier":
                    env.bind(s.text(sub[0]), vt)
        if prefix_type is None and not self.ffi_decl(enum_type) and name in ("some", "none"):
            return None
        return name + ("?" if optional else "")

    def enum_case(self, enum_type: T.Type | None, name: str, node: tree_sitter.Node,
                  args: list | None, pattern: bool) -> Case | None:
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
            self.report(self.source, node, f"the core's `{decl.name}` has no case `{name}` in the bindings"
                        + _suggest(name, list(decl.cases)))
            return None
        if args is None:
            return case
        labels = [label for label, _ in args]
        if pattern:
            wanted = [label for label, _ in case.values]
            if len(labels) != len(wanted):
                self.report(self.source, node, f"the pattern `.{name}` binds {len(labels)} value(s), but the core's "
                            f"`{decl.name}.{case.signature()}` has {len(wanted)}")
            else:
                for got, want in zip(labels, wanted):
                    if got is not None and got != want:
                        self.report(self.source, node, f"the pattern `.{name}` labels a value `{got}:`, but the core's "
                                    f"`{decl.name}.{case.signature()}` calls it `{want or '_'}`")
                        break
        else:
            params = [Param(label, label or "_", t, "", False) for label, t in case.values]
            if not _labels_match(labels, params):
                self.report(self.source, node, f"wrong argument labels for the core's `{decl.name}.{name}`: the app "
                            f"writes `{name}({_labels(labels)})`, the bindings have `{case.signature()}`")
        return case

    # --- expressions ---------------------------------------------------------------

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
            lhs = self.expr(node.child_by_field_name("value"), env, T.Optional(expected) if expected is not None else None)
            rhs = self.expr(node.child_by_field_name("if_nil"), env, T.unwrap(lhs) if lhs is not None else expected)
            return rhs if rhs is not None and not isinstance(rhs, T.Optional) else (T.unwrap(lhs) if lhs is not None else rhs)
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
        if kind in ("if_statement", "switch_statement", "do_statement", "guard_statement", "for_statement",
                    "assignment", "control_transfer_statement", "property_declaration"):
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
        if lhs_node is not None and _is_implicit_member(lhs_node):
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

    def implicit_member_type(self, name: str, env: Env) -> T.Type | None:
        """A bare name that is a member of the enclosing type (implicit `self`)."""
        owner = env.self_type
        if not isinstance(owner, T.Named):
            return None
        for member in self.members(owner, name, quiet=True):
            if isinstance(member, Var):
                return self.var_type(member)
        return None

    def var_type(self, var: Var) -> T.Type | None:
        key = (var.owner or "", var.name)
        if key in self._member_types:
            return self._member_types[key]
        env = Env({}, None, T.Named(var.owner) if var.owner else None, var.owner, None, None,
                  frozenset(self.app.types[var.owner].generics) if var.owner in self.app.types else frozenset())
        if var.type is not None:
            t = self.resolve(var.type, env)
        elif var.initializer is not None and key not in self._in_progress and var.source is not None:
            self._in_progress.add(key)
            saved = getattr(self, "source", None)
            self.source = var.source
            self._quiet += 1
            try:
                t = self.expr(var.initializer, env, None)
            finally:
                self._quiet -= 1
                self.source = saved
                self._in_progress.discard(key)
        else:
            t = None
        self._member_types[key] = t
        return t

    def members(self, owner: T.Named, name: str, quiet: bool = False) -> list:
        """What `owner.name` may be: the bindings' members of a core type,
        the app's members, and what the app's extensions add."""
        out: list = []
        for decl in [self.ffi_decl(owner), self.app_decl(owner)] + self.app_extensions(owner.name):
            if decl is None:
                continue
            out.extend(decl.funcs.get(name, []))
            if name in decl.vars:
                out.append(decl.vars[name])
            if name in decl.cases:
                out.append(decl.cases[name])
            nested = f"{decl.name}.{name}"
            if nested in self.app.types:
                out.append(T.Metatype(T.Named(nested)))
        return out

    def protocol_member(self, owner: T.Named, name: str) -> T.Type | None | bool:
        decl = self.ffi_decl(owner)
        conformances = set(decl.conformances) if decl else set()
        for ext in self.app_extensions(owner.name):
            conformances.update(ext.conformances)
        for protocol in conformances:
            table = _PROTOCOL_MEMBERS.get(protocol.split(".")[-1], {})
            if name in table:
                return T.try_parse_type(table[name]) if table[name] else True
        if decl is not None and decl.kind == "enum" and name == "rawValue":
            return None
        return False

    # --- member access ---------------------------------------------------------------

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
        root = _key_path_root(node)
        if root is not None:
            if isinstance(expected, KeyPathRoot):
                return self.key_path(node, env, expected.root)
            return None
        if target.type == "simple_identifier" and s.text(target) == MODULE_NAME:
            return self.module_member(name, name_node, env, call_args=None)
        base = self.expr(target, env, None)
        # `try? a.b().c` is `try? (a.b().c)`, though the grammar reads
        # `(try? a.b()).c`; and `a?.b.c` goes on from `b` as if unwrapped.
        chained = chained or _is_optional_try(self.source, target) or _in_optional_chain(target)
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

    def member(self, base: T.Type | None, name: str, node: tree_sitter.Node, env: Env,
               expected: T.Type | None) -> T.Type | None:
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
                    self.report(self.source, node, f"the core's `{inst.name}` has no static member `{name}` in the bindings")
                return None
            return T.Metatype(T.Named(f"{inst.name}.{name}")) if name[:1].isupper() and self.app_decl(inst) is None else None
        builtin = self.builtin_property(base, name)
        if builtin is not _NOT_BUILTIN:
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
            self.report(self.source, node, f"the core's `{base.name}` has no {what} `{name}` in the bindings"
                        + _suggest(name, _member_names(decl)))
        return None

    def builtin_property(self, base: T.Type, name: str):
        """The few standard library properties the gate follows types through."""
        b = base
        if isinstance(b, T.Optional):
            return _NOT_BUILTIN if name not in () else None
        if isinstance(b, T.Array) or (isinstance(b, T.Named) and b.name in ("Set", "ArraySlice")):
            elem = T.element_of(b)
            return {"first": T.Optional(elem) if elem else None, "last": T.Optional(elem) if elem else None,
                    "isEmpty": T.Named("Bool"), "count": T.Named("Int"),
                    "indices": None, "startIndex": T.Named("Int"), "endIndex": T.Named("Int")}.get(name)
        if isinstance(b, T.Dictionary):
            return {"keys": T.Array(b.key), "values": T.Array(b.value), "isEmpty": T.Named("Bool"),
                    "count": T.Named("Int")}.get(name)
        if isinstance(b, T.Tuple):
            for label, t in b.elements:
                if label == name:
                    return t
            return None
        if isinstance(b, T.Named) and b.name in ("String", "Substring"):
            return {"isEmpty": T.Named("Bool"), "count": T.Named("Int")}.get(name)
        if isinstance(b, T.Named) and (b.name in self.ffi.types or b.name in self.app.types or b.name in self.app.extensions):
            return _NOT_BUILTIN
        if isinstance(b, T.Named):
            return None
        return _NOT_BUILTIN

    def module_member(self, name: str, node: tree_sitter.Node, env: Env, call_args) -> T.Type | None:
        """`FieldbookFFI.name`: a free function or a type of the bindings."""
        if name in self.ffi.types:
            return T.Metatype(T.Named(name))
        funcs = self.ffi.functions.get(name)
        if not funcs:
            self.report(self.source, node, f"the bindings declare no `{name}`"
                        + _suggest(name, list(self.ffi.functions) + list(self.ffi.types)))
            return None
        if call_args is None:
            self.count("free function", node)
            return None
        return funcs[0].result

    # --- calls -----------------------------------------------------------------------

    def call(self, node: tree_sitter.Node, env: Env, expected: T.Type | None) -> T.Type | None:
        s = self.source
        callee = node.named_children[0] if node.named_children else None
        suffix = first(node, "call_suffix")
        if callee is None or suffix is None:
            for c in named(node):
                self.expr(c, env, None)
            return None
        args = _arguments(s, suffix)
        value_args = first(suffix, "value_arguments")
        if value_args is not None and s.text(value_args).startswith("["):
            return self.subscript(callee, args, env)
        if value_args is None and callee.type in ("try_expression", "await_expression"):
            # `try await run(qos: q) { … }`: the grammar hangs the trailing
            # closure on `try`; it belongs to the call inside.
            inner, optional_try = callee, False
            while inner is not None and inner.type in ("try_expression", "await_expression"):
                optional_try = optional_try or _is_optional_try(s, inner)
                inner = next((c for c in inner.named_children if c.type not in ("try_operator",)), None)
            inner_suffix = first(inner, "call_suffix") if inner is not None and inner.type == "call_expression" else None
            inner_args = first(inner_suffix, "value_arguments") if inner_suffix is not None else None
            if inner_args is not None and not s.text(inner_args).startswith("[") and first(inner_suffix, "lambda_literal") is None:
                t = self.invoke(inner.named_children[0], _arguments(s, inner_suffix) + args, env, expected)
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
        if callee.type == "prefix_expression" and not _is_implicit_member(callee) and callee.named_children:
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
                self.report(s, callee, f"call the core's free function as `{MODULE_NAME}.{name}(…)`, so that a rename "
                                       "in the core is caught here")
                candidates = self.ffi.functions[name]
                checked = ("free function", None, name, callee)
            else:
                if name == "XCTUnwrap" and args:
                    t = self.expr(args[0][1], env, None)
                    self.visit_args(args[1:], env, None)
                    return T.unwrap(t)
                if name in ("XCTAssertEqual", "XCTAssertNotEqual") and len(args) >= 2:
                    # The second value is of the first's type: `XCTAssertEqual(role, .supervisor)`.
                    first_type = self.expr(args[0][1], env, None)
                    self.expr(args[1][1], env, T.unwrap(first_type))
                    self.visit_args(args[2:], env, None)
                    return None
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
            chained = any(c.type == "?" for c in callee.children) or _is_optional_try(s, target) \
                or _in_optional_chain(target)
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
                    if case is not _NOT_BUILTIN:
                        return case
                r = self.method_call(base, name, name_node, args, env, expected)
                if r is not _NOT_BUILTIN:
                    if chained and r is not None and not isinstance(r, T.Optional):
                        return T.Optional(r)
                    return r
                if isinstance(base, T.Named) and self.is_ffi(base):
                    checked = ("method", base.name, name, name_node)
                candidates = [m for m in self.members(base, name) if isinstance(m, Func)] if isinstance(base, T.Named) else []
                if isinstance(base, T.Metatype) and isinstance(base.instance, T.Named):
                    candidates = [m for m in self.members(base.instance, name) if isinstance(m, Func) and m.is_static]
                    if self.is_ffi(base.instance):
                        checked = ("static method", base.instance.name, name, name_node)
                if checked and not candidates:
                    owner = checked[1]
                    kind_word = "static method" if checked[0] == "static method" else "method"
                    decl = self.ffi.types[owner]
                    self.count("call", name_node)
                    self.report(s, name_node, f"the core's `{owner}` has no {kind_word} `{name}` in the bindings"
                                + _suggest(name, _member_names(decl)))
                    self.visit_args(args, env, None)
                    return None
                if not candidates:
                    self.visit_args(args, env, None)
                    return None
                owner_env = env
        elif callee.type == "prefix_expression" and _is_implicit_member(callee):
            name_node = callee.named_children[-1]
            name = s.text(name_node)
            target_type = T.unwrap(expected)
            if isinstance(target_type, T.Named) and (self.is_ffi(target_type) or self.app_decl(target_type) is not None):
                case = self.case_call(target_type, name, name_node, args, env)
                if case is not _NOT_BUILTIN:
                    return case
                candidates = [m for m in self.members(target_type, name, quiet=True) if isinstance(m, Func) and m.is_static]
                if self.is_ffi(target_type):
                    checked = ("static method", target_type.name, name, name_node)
            else:
                self.stats.unresolved_implicit += 0 if self._quiet else 1
            if not candidates:
                self.visit_args(args, env, None)
                return None
        else:
            self.expr(callee, env, None)
            self.visit_args(args, env, None)
            return None

        # Pick the declaration whose labels match.
        labels = [label for label, _ in args]
        matching = [f for f in candidates if _labels_match(labels, f.params)]
        if checked is not None:
            self.count("call", checked[3])
            if not matching:
                owner, name = checked[1], checked[2]
                where = f"`{owner}.{name}`" if owner else f"`{name}`"
                have = ", ".join(f"`{f.signature()}`" for f in candidates)
                self.report(s, checked[3], f"wrong argument labels for the core's {where}: the app writes "
                                           f"`{name}({_labels(labels)})`, the bindings have {have}")
        chosen = matching[0] if matching else (candidates[0] if len(candidates) == 1 else None)
        if chosen is None:
            self.visit_args(args, env, None)
            return None
        fenv = owner_env.child(generics=(owner_env.generics | frozenset(chosen.generics))) if owner_env else Env({}, None, generics=frozenset(chosen.generics))
        if chosen.owner and owner_env is not None:
            fenv.type_path = chosen.owner if chosen.owner in self.app.types else fenv.type_path
        params = [Param(p.label, p.name, self.resolve(p.type, fenv), p.type_text, p.has_default) for p in chosen.params]
        bound = self.visit_args(args, env, params if matching else None, generics=frozenset(chosen.generics))
        result = self.resolve(chosen.result, fenv)
        if chosen.generics and bound:
            result = _substitute(result, bound)
        if result is not None and any(n.name in chosen.generics for n in T.named_types(result)):
            return None
        return result

    def case_call(self, t: T.Named, name: str, node: tree_sitter.Node, args, env: Env):
        """`Enum.case(…)` or `.case(…)`: a case with associated values. Gives
        the enum's type, or _NOT_BUILTIN when `name` is no case (a static
        method, say)."""
        labels = [label for label, _ in args]
        ffi = self.ffi_decl(t)
        if ffi is not None and ffi.kind == "enum":
            if name not in ffi.cases and any(f.is_static for f in self.members(t, name, quiet=True) if isinstance(f, Func)):
                return _NOT_BUILTIN
            case = self.enum_case(t, name, node, [(label, None) for label in labels], pattern=False)
            params = [Param(label, label or "_", self.resolve(v, None), "", False) for label, v in case.values] if case else None
            self.visit_args(args, env, params if params is not None and _labels_match(labels, params) else None)
            return t
        for m in self.members(t, name, quiet=True):
            if isinstance(m, Case):
                params = [Param(label, label or "_", self.resolve(v, Env({}, None, t, t.name)), "", False)
                          for label, v in m.values]
                self.visit_args(args, env, params if _labels_match(labels, params) else None)
                return t
        return _NOT_BUILTIN

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
            matching = [f for f in inits if _labels_match(labels, f.params)]
            if not matching:
                have = ", ".join(f"`{f.signature()}`" for f in inits) or "no public initializer"
                self.report(s, node, f"wrong arguments for the core's `{t.name}(…)`: the app writes "
                                     f"`{t.name}({_labels(labels)})`, the bindings have {have}")
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
                params = [Param("get", "get", T.Function((), value), "", False),
                          Param("set", "set", T.Function((value,), T.VOID), "", False)]
                self.visit_args(args, env, params if _labels_match(labels, params) else None)
                return binding
            if t.name == "ForEach" and args:
                data = self.expr(args[0][1], env, None) if args[0][1] is not None else None
                elem = T.element_of(data)
                rest = args[1:]
                params = [Param(label, "_", KeyPathRoot(elem) if elem is not None and label == "id" else None, "", False)
                          for label, _ in rest]
                self.visit_args(rest, env, params, closure_params=[elem] if elem is not None else None)
                return None
            matching = [f for f in inits if _labels_match(labels, f.params)]
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
        b = T.unwrap(base) if callee.type == "navigation_expression" and any(c.type == "?" for c in callee.children) else base
        if isinstance(b, T.Dictionary):
            self.visit_args(args, env, [Param(None, "_", b.key, "", False)])
            return T.Optional(b.value)
        if isinstance(b, T.Array):
            self.visit_args(args, env, None)
            return b.element
        self.visit_args(args, env, None)
        return None

    def method_call(self, base, name, node, args, env, expected):
        """Standard library methods the gate follows types through; anything
        else is left to the general path."""
        b = T.unwrap(base) if isinstance(base, T.Optional) and name not in ("map", "flatMap") else base
        if isinstance(b, T.Optional) and name in ("map", "flatMap"):
            inner = b.wrapped
            out = self.visit_args(args, env, None, closure_params=[inner],
                                  closure_expected=T.unwrap(expected) if expected is not None else None,
                                  key_root=inner)
            r = out.get("$result") if out else None
            if name == "flatMap":
                return r if isinstance(r, T.Optional) else (T.Optional(r) if r is not None else None)
            return T.Optional(T.unwrap(r)) if r is not None else None
        elem = T.element_of(b)
        if elem is not None and (isinstance(b, (T.Array, T.Dictionary)) or (isinstance(b, T.Named) and b.name == "Set")):
            table = {
                "filter": b, "sorted": T.Array(elem), "reversed": T.Array(elem),
                "first": T.Optional(elem), "last": T.Optional(elem), "min": T.Optional(elem), "max": T.Optional(elem),
                "contains": T.Named("Bool"), "allSatisfy": T.Named("Bool"), "firstIndex": T.Optional(T.Named("Int")),
                "lastIndex": T.Optional(T.Named("Int")), "forEach": T.VOID, "prefix": T.Array(elem),
                "suffix": T.Array(elem), "dropFirst": T.Array(elem), "dropLast": T.Array(elem),
                "map": None, "compactMap": None, "flatMap": None, "reduce": None,
                "enumerated": T.Array(T.Tuple((("offset", T.Named("Int")), ("element", elem)))),
                "joined": T.Named("String") if elem == T.Named("String") else None,
            }
            if name in table:
                pairs = 2 if name in ("sorted", "min", "max") and any(label == "by" or label is None for label, _ in args) else 1
                closure_params = [elem] * pairs if name != "reduce" else [None, elem]
                exp_elem = None
                if name == "map" and isinstance(T.unwrap(expected), T.Array):
                    exp_elem = T.unwrap(expected).element
                # An element given as a value: `kinds.contains(.caseNote)`, `firstIndex(of:)`.
                by_value = {"contains": None, "firstIndex": "of", "lastIndex": "of"}
                params = None
                if name in by_value and len(args) == 1 and args[0][0] == by_value[name] \
                        and args[0][1] is not None and args[0][1].type != "lambda_literal":
                    params = [Param(by_value[name], "_", elem, "", False)]
                if name == "map" and len(args) == 1 and args[0][1] is not None and _is_key_path(args[0][1]):
                    # `map(\.reason)`: an array of what the key path leads to.
                    t = self.key_path(args[0][1], env, elem)
                    return T.Array(t) if t is not None else None
                out = self.visit_args(args, env, params, closure_params=closure_params, key_root=elem,
                                      closure_expected=exp_elem)
                if name == "map":
                    r = out.get("$result") if out else None
                    return T.Array(r) if r is not None else None
                if name == "compactMap":
                    r = out.get("$result") if out else None
                    return T.Array(T.unwrap(r)) if r is not None else None
                return table[name]
        if b is None and name in ("map", "compactMap", "flatMap") and isinstance(T.unwrap(expected), T.Array) \
                or b is None and name in ("map", "flatMap") and isinstance(expected, T.Optional):
            # An unknown optional or array mapped to what is expected:
            # `model.set(key, $0.map { .choice(value: $0) })`.
            want = T.unwrap(expected)
            want = want.element if isinstance(want, T.Array) else want
            self.visit_args(args, env, None, closure_params=None, closure_expected=want)
            return expected
        return _NOT_BUILTIN

    def visit_args(self, args, env: Env, params: list[Param] | None, generics: frozenset = frozenset(),
                   closure_params: list | None = None, closure_expected: T.Type | None = None,
                   key_root: T.Type | None = None) -> dict:
        """Walks the arguments, each with what its parameter expects;
        closures get their parameters' types. Gives generic bindings
        (`$result`: what a closure returned)."""
        bound: dict = {}
        mapping = (_assign(args, params) if params is not None else None) or [None] * len(args)
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
            if expected is None and key_root is not None and _is_key_path(value):
                expected = KeyPathRoot(key_root)
            if expected is None and closure_params is not None and value.type == "navigation_expression" and _is_key_path(value):
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
        written = _closure_param_count(ftype)
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
                    t = self.resolve(ptype, env) if ptype is not None else (params[k] if params and k < len(params) else None)
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
                    written_result = s.data[children[k + 1].start_byte:ftype.end_byte].decode().strip()
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

    def prefix(self, node: tree_sitter.Node, env: Env, expected: T.Type | None) -> T.Type | None:
        s = self.source
        if _is_implicit_member(node):
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
            if not self._quiet:
                self.stats.unresolved_implicit += 1
            return None
        operand = node.named_children[-1] if node.named_children else None
        t = self.expr(operand, env, None)
        if first(node, "bang") is not None:
            return T.Named("Bool")
        return t

    # --- a type written where a core value arrives ------------------------------------

    def agree(self, declared: T.Type | None, at: tree_sitter.Node | None, inferred: T.Type | None,
              value: tree_sitter.Node, env: Env) -> None:
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
                if d.name == i.name or d.name in env.generics or d.name in _ANY_PROTOCOLS:
                    return
                if d.name in self.ffi.types or d.name in self.app.types:
                    return  # declared somewhere: the compiler judges the conversion
                if d.name in self.ffi.types[i.name].conformances:
                    return
                self.count("type name", at)
                line, _ = self.source.line_col(value)
                self.report(self.source, at, f"`{d.name}` is declared neither in the bindings nor in the app, but "
                                             f"the core gives a `{i.name}` for it (line {line})")

        walk(declared, inferred)


_NOT_BUILTIN = object()
_STATEMENTS = {"property_declaration", "function_declaration", "class_declaration", "if_statement",
               "guard_statement", "for_statement", "while_statement", "repeat_while_statement",
               "switch_statement", "do_statement", "control_transfer_statement", "assignment"}


def _is_implicit_member(node: tree_sitter.Node) -> bool:
    """`.name`: a prefix expression that is a dot and a name."""
    return (node.type == "prefix_expression" and len(node.children) == 2 and node.children[0].type == "."
            and node.children[1].type == "simple_identifier")


def _closure_param_count(ftype: tree_sitter.Node | None) -> int:
    if ftype is None:
        return 0
    plist = first(ftype, "lambda_function_type_parameters")
    if plist is not None:
        return len(named(plist, "lambda_parameter"))
    return len([c for c in ftype.named_children if c.type == "simple_identifier"])


def _in_optional_chain(node: tree_sitter.Node) -> bool:
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


def _is_optional_try(s: Source, node: tree_sitter.Node) -> bool:
    return node.type == "try_expression" and any(
        c.type == "try_operator" and s.text(c) == "try?" for c in node.named_children)


def _is_key_path(node: tree_sitter.Node) -> bool:
    return _key_path_root(node) is not None


def _key_path_root(node: tree_sitter.Node) -> tree_sitter.Node | None:
    n = node
    while n is not None and n.type == "navigation_expression":
        n = n.child_by_field_name("target")
    return n if n is not None and n.type == "key_path_expression" else None


def _arguments(s: Source, suffix: tree_sitter.Node) -> list[tuple[str | None, tree_sitter.Node | None]]:
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


def _labels(labels: list[str | None]) -> str:
    return "".join(f"{label or '_'}:" for label in labels)


def _labels_match(labels: list[str | None], params: list[Param]) -> bool:
    return _assign([(label, None) for label in labels], params) is not None


def _assign(args, params: list[Param]) -> list[Param | None] | None:
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


def _substitute(t: T.Type | None, bound: dict) -> T.Type | None:
    return T.map_named(t, lambda n: bound.get(n.name, n) if not n.args else n)


def _member_names(decl: TypeDecl) -> list[str]:
    return list(decl.funcs) + list(decl.vars) + list(decl.cases)


def _suggest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, [n for n in names if n != "init"], n=3, cutoff=0.6)
    return f" (did you mean {', '.join(f'`{c}`' for c in close)}?)" if close else ""


def check(bindings: list[Source], app: list[Source]) -> tuple[list[Finding], Stats]:
    checker = Checker(bindings, app)
    findings = checker.run()
    return findings, checker.stats
