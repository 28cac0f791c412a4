"""Swift types as the API gate needs them, and a parser for type text.

Types are read from their source text, not from tree-sitter's type nodes:
the grammar reads `@Sendable (A) throws -> B` as an attribute with
arguments, which would lose the closure's parameter types.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


class Type:
    """Base of the type model; every type is immutable and hashable."""


@dataclass(frozen=True)
class Named(Type):
    """A nominal type by its written (dotted) name, with generic arguments."""

    name: str
    args: tuple[Type, ...] = ()

    def __str__(self) -> str:
        return self.name + (f"<{', '.join(map(str, self.args))}>" if self.args else "")


@dataclass(frozen=True)
class Optional(Type):
    wrapped: Type

    def __str__(self) -> str:
        return f"{self.wrapped}?"


@dataclass(frozen=True)
class Array(Type):
    element: Type

    def __str__(self) -> str:
        return f"[{self.element}]"


@dataclass(frozen=True)
class Dictionary(Type):
    key: Type
    value: Type

    def __str__(self) -> str:
        return f"[{self.key}: {self.value}]"


@dataclass(frozen=True)
class Tuple(Type):
    """Elements as (label or None, type)."""

    elements: tuple[tuple[str | None, Type], ...]

    def __str__(self) -> str:
        return "(" + ", ".join(f"{label}: {t}" if label else str(t) for label, t in self.elements) + ")"


@dataclass(frozen=True)
class Function(Type):
    params: tuple[Type, ...]
    result: Type
    throws: bool = False

    def __str__(self) -> str:
        return f"({', '.join(map(str, self.params))}){' throws' if self.throws else ''} -> {self.result}"


@dataclass(frozen=True)
class Metatype(Type):
    """The type itself as a value: `Role.self`, or `Role` before `.supervisor`."""

    instance: Type

    def __str__(self) -> str:
        return f"{self.instance}.Type"


VOID = Tuple(())


def unwrap(t: Type | None) -> Type | None:
    while isinstance(t, Optional):
        t = t.wrapped
    return t


def element_of(t: Type | None) -> Type | None:
    """What iterating a value of this type gives."""
    t = unwrap(t)
    if isinstance(t, Array):
        return t.element
    if isinstance(t, Dictionary):
        return Tuple((("key", t.key), ("value", t.value)))
    if isinstance(t, Named) and t.name in ("Set", "ArraySlice", "ReversedCollection") and t.args:
        return t.args[0]
    return None


def named_types(t: Type | None) -> list[Named]:
    """Every nominal type mentioned in `t`, outermost first."""
    out: list[Named] = []

    def walk(x: Type | None) -> None:
        if isinstance(x, Named):
            out.append(x)
            for a in x.args:
                walk(a)
        elif isinstance(x, Optional):
            walk(x.wrapped)
        elif isinstance(x, Array):
            walk(x.element)
        elif isinstance(x, Dictionary):
            walk(x.key)
            walk(x.value)
        elif isinstance(x, Tuple):
            for _, e in x.elements:
                walk(e)
        elif isinstance(x, Function):
            for p in x.params:
                walk(p)
            walk(x.result)
        elif isinstance(x, Metatype):
            walk(x.instance)

    walk(t)
    return out


def map_named(t: Type | None, fn) -> Type | None:
    """`t` with every Named replaced by `fn(named)` (after its arguments)."""
    if t is None:
        return None
    if isinstance(t, Named):
        return fn(Named(t.name, tuple(map_named(a, fn) or a for a in t.args)))
    if isinstance(t, Optional):
        inner = map_named(t.wrapped, fn)
        return Optional(inner) if inner is not None else None
    if isinstance(t, Array):
        inner = map_named(t.element, fn)
        return Array(inner) if inner is not None else None
    if isinstance(t, Dictionary):
        k, v = map_named(t.key, fn), map_named(t.value, fn)
        return Dictionary(k, v) if k is not None and v is not None else None
    if isinstance(t, Tuple):
        elems = [(label, map_named(e, fn)) for label, e in t.elements]
        return None if any(e is None for _, e in elems) else Tuple(tuple(elems))
    if isinstance(t, Function):
        params = [map_named(p, fn) for p in t.params]
        result = map_named(t.result, fn)
        if result is None or any(p is None for p in params):
            return None
        return Function(tuple(params), result, t.throws)
    if isinstance(t, Metatype):
        inner = map_named(t.instance, fn)
        return Metatype(inner) if inner is not None else None
    return t


# --- parsing type text ------------------------------------------------------

_TOKEN = re.compile(r"\s*(->|\.\.\.|[A-Za-z_][A-Za-z0-9_]*|`[^`]+`|[\[\]()<>,:?!.@&=])")
_SKIPPED_WORDS = {"inout", "some", "any", "borrowing", "consuming", "__owned", "__shared", "sending", "isolated"}


class TypeSyntaxError(ValueError):
    pass


def parse_type(text: str) -> Type:
    """Parses a Swift type as written (`[String: FieldValue]?`,
    `@escaping @Sendable (FieldbookStore) throws -> T`)."""
    tokens = _tokenize(text)
    parser = _TypeParser(tokens)
    t = parser.type()
    if parser.pos != len(tokens):
        raise TypeSyntaxError(f"unexpected `{tokens[parser.pos]}` in type `{text}`")
    return t


def try_parse_type(text: str | None) -> Type | None:
    if not text:
        return None
    try:
        return parse_type(text)
    except TypeSyntaxError:
        return None


def _tokenize(text: str) -> list[str]:
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise TypeSyntaxError(f"cannot read type `{text}`")
        tokens.append(m.group(1).strip("`"))
        pos = m.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    return tokens


class _TypeParser:
    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.pos = 0

    def peek(self, offset: int = 0) -> str | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise TypeSyntaxError(f"expected `{expected}`, found `{tok}`")
        self.pos += 1
        return tok

    def type(self) -> Type:
        self.attributes()
        while self.peek() in _SKIPPED_WORDS:
            self.take()
            self.attributes()
        t = self.postfix()
        # A function type: its parameters were read as a tuple.
        effects_throw = False
        while self.peek() in ("async", "throws", "rethrows"):
            if self.take() != "async":
                effects_throw = True
                if self.peek() == "(":  # typed throws: throws(E)
                    self.take("(")
                    self.type()
                    self.take(")")
        if self.peek() == "->":
            self.take()
            result = self.type()
            if isinstance(t, Tuple) and getattr(t, "_function_params", True):
                params = tuple(e for _, e in t.elements)
            else:
                params = (t,)
            return Function(params, result, effects_throw)
        return t

    def attributes(self) -> None:
        while self.peek() == "@":
            self.take()
            name = self.take()
            if name == "convention" and self.peek() == "(":
                depth = 0
                while True:
                    tok = self.take()
                    depth += tok == "("
                    depth -= tok == ")"
                    if depth == 0:
                        break

    def postfix(self) -> Type:
        t = self.primary()
        while True:
            tok = self.peek()
            if tok in ("?", "!"):
                self.take()
                t = Optional(t)
            elif tok == "." and self.peek(1) in ("Type", "Protocol"):
                self.take()
                self.take()
                t = Metatype(t)
            elif tok == "&":  # a composition: keep its first part
                self.take()
                self.primary()
            else:
                return t

    def primary(self) -> Type:
        tok = self.peek()
        if tok == "[":
            self.take()
            key = self.type()
            if self.peek() == ":":
                self.take()
                value = self.type()
                self.take("]")
                return Dictionary(key, value)
            self.take("]")
            return Array(key)
        if tok == "(":
            self.take()
            elements: list[tuple[str | None, Type]] = []
            while self.peek() != ")":
                label = None
                if self.peek(1) == ":" and self.peek() not in ("[", "("):
                    label = self.take()
                    self.take(":")
                elif self.peek(2) == ":" and self.peek(1) not in ("[", "(", ".", "<"):
                    # `(_ name: T)` in a closure type: an internal name too
                    self.take()
                    label = self.take()
                    self.take(":")
                elements.append((label, self.type()))
                if self.peek() == "...":
                    self.take()
                if self.peek() == ",":
                    self.take()
                elif self.peek() != ")":
                    raise TypeSyntaxError(f"expected `,` or `)`, found `{self.peek()}`")
            self.take(")")
            if (
                len(elements) == 1
                and elements[0][0] is None
                and self.peek() not in ("->", "throws", "async", "rethrows")
            ):
                return elements[0][1]  # parentheses only
            return Tuple(tuple(elements))
        if tok is None or not (tok[0].isalpha() or tok[0] == "_"):
            raise TypeSyntaxError(f"expected a type, found `{tok}`")
        parts = [self.take()]
        args: tuple[Type, ...] = ()
        while True:
            if self.peek() == "<":
                self.take()
                generic = [self.type()]
                while self.peek() == ",":
                    self.take()
                    generic.append(self.type())
                self.take(">")
                args = tuple(generic)
            if self.peek() == "." and self.peek(1) not in ("Type", "Protocol", None):
                self.take()
                parts.append(self.take())
                args = ()
                continue
            break
        name = ".".join(parts)
        # The standard library's sugar in long form, so both spellings match.
        if name in ("Optional", "Swift.Optional") and len(args) == 1:
            return Optional(args[0])
        if name in ("Array", "Swift.Array") and len(args) == 1:
            return Array(args[0])
        if name in ("Dictionary", "Swift.Dictionary") and len(args) == 2:
            return Dictionary(args[0], args[1])
        if name in ("Void", "Swift.Void"):
            return VOID
        if name.startswith("Swift.") or name.startswith("Foundation."):
            name = name.split(".", 1)[1]
        return Named(name, args)
