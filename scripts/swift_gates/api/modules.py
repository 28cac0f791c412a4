"""The two sides the gate compares: the bindings' declarations (the core)
and the app's, how a written type name resolves, and what a type's
members are."""

from __future__ import annotations

import difflib

from .. import swift_types as T
from ..declarations import TypeDecl, Var
from .scope import Env

MODULE_NAME = "FieldbookFFI"

PROTOCOL_MEMBERS = {
    "Hashable": {"hashValue": "Int", "hash": None},
    "Error": {"localizedDescription": "String"},
    "LocalizedError": {
        "errorDescription": "String?",
        "failureReason": "String?",
        "recoverySuggestion": "String?",
        "helpAnchor": "String?",
        "localizedDescription": "String",
    },
    "CustomStringConvertible": {"description": "String"},
    "CustomDebugStringConvertible": {"debugDescription": "String"},
    "CaseIterable": {"allCases": None},
    "Identifiable": {"id": None},
    "Encodable": {"encode": None},
}


def member_names(decl: TypeDecl) -> list[str]:
    return list(decl.funcs) + list(decl.vars) + list(decl.cases)


def suggest(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, [n for n in names if n != "init"], n=3, cutoff=0.6)
    return f" (did you mean {', '.join(f'`{c}`' for c in close)}?)" if close else ""


class Modules:
    """Name resolution and member lookup over the two modules (part of Checker)."""

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

    def var_type(self, var: Var) -> T.Type | None:
        key = (var.owner or "", var.name)
        if key in self._member_types:
            return self._member_types[key]
        env = Env(
            {},
            None,
            T.Named(var.owner) if var.owner else None,
            var.owner,
            None,
            None,
            frozenset(self.app.types[var.owner].generics) if var.owner in self.app.types else frozenset(),
        )
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

    def implicit_member_type(self, name: str, env: Env) -> T.Type | None:
        """A bare name that is a member of the enclosing type (implicit `self`)."""
        owner = env.self_type
        if not isinstance(owner, T.Named):
            return None
        for member in self.members(owner, name, quiet=True):
            if isinstance(member, Var):
                return self.var_type(member)
        return None

    def protocol_member(self, owner: T.Named, name: str) -> T.Type | None | bool:
        decl = self.ffi_decl(owner)
        conformances = set(decl.conformances) if decl else set()
        for ext in self.app_extensions(owner.name):
            conformances.update(ext.conformances)
        for protocol in conformances:
            table = PROTOCOL_MEMBERS.get(protocol.split(".")[-1], {})
            if name in table:
                return T.try_parse_type(table[name]) if table[name] else True
        if decl is not None and decl.kind == "enum" and name == "rawValue":
            return None
        return False
