"""What a set of Swift files declares: types with their members, extensions,
free functions. Read from the generated bindings (the core's API) and from
the app (its own types, and what it adds to the core's types)."""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter

from . import swift_types as T
from .source import Source, first, named


@dataclass
class Param:
    label: str | None  # the argument label; None for `_`
    name: str
    type: T.Type | None
    type_text: str
    has_default: bool


@dataclass
class Func:
    name: str  # "init" for initializers
    params: list[Param]
    result: T.Type  # VOID when none is written
    result_text: str
    throws: bool
    is_static: bool
    generics: tuple[str, ...]
    node: tree_sitter.Node
    source: Source
    owner: str | None = None  # the type (or extended type) it is declared in

    def signature(self) -> str:
        labels = "".join(f"{p.label or '_'}:" for p in self.params)
        return f"{self.name}({labels})"


@dataclass
class Var:
    name: str
    type: T.Type | None
    type_text: str
    is_static: bool
    node: tree_sitter.Node
    source: Source
    initializer: tree_sitter.Node | None = None
    computed: bool = False
    owner: str | None = None


@dataclass
class Case:
    name: str
    # (label or None, type) for each associated value
    values: list[tuple[str | None, T.Type | None]]
    node: tree_sitter.Node
    source: Source

    def signature(self) -> str:
        if not self.values:
            return self.name
        labels = "".join(f"{label or '_'}:" for label, _ in self.values)
        return f"{self.name}({labels})"


@dataclass
class TypeDecl:
    name: str  # qualified: `SyncModel.Progress`
    kind: str  # struct, class, enum, protocol, extension, actor
    conformances: list[str]
    node: tree_sitter.Node
    source: Source
    funcs: dict[str, list[Func]] = field(default_factory=dict)
    vars: dict[str, Var] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    typealiases: dict[str, T.Type | None] = field(default_factory=dict)
    generics: tuple[str, ...] = ()

    def add_func(self, f: Func) -> None:
        self.funcs.setdefault(f.name, []).append(f)


@dataclass
class Module:
    """Declarations of one side (the bindings, or the app)."""

    types: dict[str, TypeDecl] = field(default_factory=dict)
    # Extensions by the name they extend, as written.
    extensions: dict[str, list[TypeDecl]] = field(default_factory=dict)
    functions: dict[str, list[Func]] = field(default_factory=dict)
    vars: dict[str, Var] = field(default_factory=dict)
    typealiases: dict[str, T.Type | None] = field(default_factory=dict)


_TYPE_KEYWORDS = ("struct", "class", "enum", "extension", "actor")


def collect(sources: list[Source], module: Module | None = None, public_only: bool = False) -> Module:
    """Adds what `sources` declare to `module`. With `public_only`, only what
    another module may use (public, open, and protocol requirements)."""
    module = module or Module()
    for source in sources:
        _Collector(source, module, public_only).top(source.root)
    return module


def params_of(source: Source, decl: tree_sitter.Node) -> list[Param]:
    """The parameters of a function, initializer or protocol requirement."""
    out = []
    children = decl.children
    for i, child in enumerate(children):
        if child.type != "parameter":
            continue
        external = child.child_by_field_name("external_name")
        names = [c for c in child.children if c.type == "simple_identifier" and c != external]
        name = source.text(names[0]) if names else "_"
        label = source.text(external) if external is not None else name
        text = source.text(child)
        type_text = text.split(":", 1)[1] if ":" in text else ""
        has_default = i + 1 < len(children) and children[i + 1].type == "="
        out.append(
            Param(None if label == "_" else label, name, T.try_parse_type(type_text), type_text.strip(), has_default)
        )
    return out


def result_of(source: Source, decl: tree_sitter.Node) -> tuple[T.Type, str]:
    """The written result type after `->`, or Void."""
    children = decl.children
    for i, child in enumerate(children):
        if child.type == "->" and i + 1 < len(children):
            # The type runs from after the arrow to the body (or the end).
            end = decl.end_byte
            for later in children[i + 1 :]:
                if later.type in ("function_body", "where_clause", "type_constraints"):
                    end = later.start_byte
                    break
            text = source.data[children[i + 1].start_byte : end].decode().strip()
            parsed = T.try_parse_type(text)
            return (parsed if parsed is not None else T.Named("?" + text)), text
    return T.VOID, "Void"


def is_static(source: Source, decl: tree_sitter.Node) -> bool:
    mods = first(decl, "modifiers")
    words = source.text(mods).split() if mods is not None else []
    if "static" in words:
        return True
    # `class func` is not read as a modifier by the grammar.
    for child in decl.children:
        if child.type in ("func", "var", "let"):
            break
        if child.type == "class":
            return True
    return False


def visibility(source: Source, decl: tree_sitter.Node) -> str:
    mods = first(decl, "modifiers")
    if mods is not None:
        for m in named(mods, "visibility_modifier"):
            word = source.text(m)
            if "(" not in word:  # `private(set)` is about the setter
                return word
    return "internal"


def generics_of(source: Source, decl: tree_sitter.Node) -> tuple[str, ...]:
    params = first(decl, "type_parameters")
    if params is None:
        return ()
    return tuple(source.text(p).split(":")[0].strip() for p in named(params, "type_parameter"))


def property_wrapper_type(source: Source, decl: tree_sitter.Node) -> T.Type | None:
    """`@Environment(AppModel.self) var app`: the type the attribute names."""
    mods = first(decl, "modifiers")
    if mods is None:
        return None
    for attr in named(mods, "attribute"):
        text = source.text(attr)
        if text.startswith("@Environment(") and text.endswith(".self)"):
            return T.try_parse_type(text[len("@Environment(") : -len(".self)")])
    return None


class _Collector:
    def __init__(self, source: Source, module: Module, public_only: bool):
        self.source = source
        self.module = module
        self.public_only = public_only

    def visible(self, decl: tree_sitter.Node, in_protocol: bool = False) -> bool:
        return not self.public_only or in_protocol or visibility(self.source, decl) in ("public", "open")

    def top(self, root: tree_sitter.Node) -> None:
        for node in root.named_children:
            self.declaration(node, None)

    def declaration(self, node: tree_sitter.Node, owner: TypeDecl | None) -> None:
        s = self.source
        kind = node.type
        if kind in ("class_declaration", "protocol_declaration"):
            self.type_declaration(node, owner)
        elif kind == "typealias_declaration" and self.visible(node):
            names = node.children_by_field_name("name")
            if len(names) >= 2:
                target = T.try_parse_type(s.text(names[1]))
                (owner.typealiases if owner else self.module.typealiases)[s.text(names[0])] = target
        elif kind in ("function_declaration", "init_declaration", "protocol_function_declaration"):
            if not self.visible(node, owner is not None and owner.kind == "protocol"):
                return
            name_node = node.child_by_field_name("name")
            if kind == "init_declaration":
                name = "init"
            elif name_node is not None and name_node.type == "simple_identifier":
                name = s.text(name_node)
            else:
                return  # an operator
            result, result_text = result_of(s, node)
            if kind == "init_declaration" and owner is not None:
                result, result_text = T.Named(owner.name), owner.name
                if any(c.type == "?" for c in node.children):
                    result = T.Optional(result)
            f = Func(
                name,
                params_of(s, node),
                result,
                result_text,
                any(c.type == "throws" for c in node.children),
                is_static(s, node) or kind == "init_declaration",
                generics_of(s, node),
                node,
                s,
                owner.name if owner else None,
            )
            if owner is not None:
                owner.add_func(f)
            else:
                self.module.functions.setdefault(name, []).append(f)
        elif kind in ("property_declaration", "protocol_property_declaration"):
            if not self.visible(node, owner is not None and owner.kind == "protocol"):
                return
            for var in self.properties(node, owner):
                if owner is not None:
                    owner.vars[var.name] = var
                else:
                    self.module.vars[var.name] = var
        elif kind == "enum_entry" and owner is not None:
            for case in enum_cases(s, node):
                owner.cases[case.name] = case

    def properties(self, node: tree_sitter.Node, owner: TypeDecl | None) -> list[Var]:
        s = self.source
        out = []
        static = is_static(s, node)
        wrapper = property_wrapper_type(s, node)
        computed = first(node, "computed_property") is not None
        # `let a = 1, b: Int = 2`: names, then their annotation and value, in order.
        current: Var | None = None
        for i, child in enumerate(node.children):
            field_name = node.field_name_for_child(i)
            if child.type == "pattern" and field_name == "name":
                bound = child.child_by_field_name("bound_identifier")
                if bound is None:
                    bound = first(child, "simple_identifier")
                if bound is None:
                    current = None
                    continue
                current = Var(
                    s.text(bound), wrapper, "", static, child, s, None, computed, owner.name if owner else None
                )
                out.append(current)
            elif current is not None and child.type == "type_annotation":
                text = s.text(child)[1:].strip()
                current.type_text = text
                current.type = T.try_parse_type(text)
            elif current is not None and field_name == "value":
                current.initializer = child
        return out

    def type_declaration(self, node: tree_sitter.Node, owner: TypeDecl | None) -> None:
        s = self.source
        keyword = "protocol"
        if node.type == "class_declaration":
            keyword = next((c.type for c in node.children if c.type in _TYPE_KEYWORDS), "class")
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = s.text(name_node)
        if keyword != "extension" and owner is not None:
            name = f"{owner.name}.{name}"
        conformances = [s.text(c) for c in node.children_by_field_name("inherits_from")]
        if not conformances:
            for spec in named(node, "inheritance_specifier"):
                target = spec.child_by_field_name("inherits_from")
                if target is not None:
                    conformances.append(s.text(target))
        decl = TypeDecl(
            name,
            keyword,
            [c.replace("@unchecked", "").strip() for c in conformances],
            node,
            s,
            generics=generics_of(s, node),
        )
        body = node.child_by_field_name("body")
        if keyword == "extension":  # its members are filtered one by one
            self.module.extensions.setdefault(name, []).append(decl)
        elif self.visible(node):
            existing = self.module.types.get(name)
            if existing is None:
                self.module.types[name] = decl
        else:
            return
        if body is None:
            return
        for member in body.named_children:
            self.declaration(member, decl)
        if keyword == "struct" and "init" not in decl.funcs and not self.public_only:
            decl.add_func(memberwise_init(decl))


def enum_cases(source: Source, entry: tree_sitter.Node) -> list[Case]:
    out: list[Case] = []
    for i, child in enumerate(entry.children):
        field_name = entry.field_name_for_child(i)
        if field_name == "name":
            out.append(Case(source.text(child), [], child, source))
        elif field_name == "data_contents" and out:
            # uniffi writes each documented value's doc comment inside the
            # parentheses, before its label.
            parsed = T.try_parse_type(without_comments(source.text(child)))
            if isinstance(parsed, T.Tuple):
                out[-1].values = list(parsed.elements)
            else:
                out[-1].values = [(None, parsed)]
    return out


def without_comments(text: str) -> str:
    """Swift source text with its comments taken out (block comments, which
    Swift nests, and line comments); string literals do not occur in the
    type texts this is used on."""
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair == "/*":
            depth += 1
            i += 2
        elif pair == "*/" and depth:
            depth -= 1
            i += 2
        elif depth:
            i += 1
        elif pair == "//":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def memberwise_init(decl: TypeDecl) -> Func:
    """The initializer Swift gives a struct without one: its stored
    properties in order, those with a value (or optional `var`s) defaulted."""
    params = []
    for var in sorted(decl.vars.values(), key=lambda v: v.node.start_byte):
        if var.computed or var.is_static:
            continue
        declaration = var.node.parent
        keyword = first(declaration, "value_binding_pattern") if declaration is not None else None
        is_let = keyword is not None and var.source.text(keyword) == "let"
        if is_let and var.initializer is not None:
            continue  # a `let` with a value is not a parameter
        has_default = var.initializer is not None or (not is_let and isinstance(var.type, T.Optional))
        params.append(Param(var.name, var.name, var.type, var.type_text, has_default))
    return Func("init", params, T.Named(decl.name), decl.name, False, True, (), decl.node, decl.source, decl.name)
