"""The core's callback protocols the app implements (`PlatformKeyStore`,
`SyncProgressListener`): every requirement, with its labels and types."""

from __future__ import annotations

import tree_sitter

from ..declarations import Func
from ..source import Source, named
from .scope import Env


class Conformance:
    """The callback protocols the app implements (part of Checker)."""

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
                    self.report(
                        s,
                        spec,
                        f"`{name}` conforms to the core's `{protocol_name}` but does not implement "
                        f"`{req.signature()}`" + (f" (it has {have})" if have else ""),
                    )
                    continue
                impl = match[0]
                want = [self.resolve(p.type, None) for p in req.params]
                got = [self.resolve(p.type, env) for p in impl.params]
                if want != got:
                    self.report(
                        impl.source,
                        impl.node,
                        f"`{name}.{impl.signature()}` takes ({', '.join(p.type_text for p in impl.params)}) "
                        f"but the core's `{protocol_name}` passes ({', '.join(p.type_text for p in req.params)})",
                    )
                if self.resolve(req.result, None) != self.resolve(impl.result, env):
                    self.report(
                        impl.source,
                        impl.node,
                        f"`{name}.{impl.signature()}` returns `{impl.result_text}` but the core's "
                        f"`{protocol_name}` expects `{req.result_text}`",
                    )
                if impl.throws and not req.throws:
                    self.report(
                        impl.source,
                        impl.node,
                        f"`{name}.{impl.signature()}` throws, but the core's `{protocol_name}` does not let it",
                    )
