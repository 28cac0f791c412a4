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

Each finding is `path:line:column: reason`; `--list` prints every use
checked, to see what the gate covers."""

from __future__ import annotations

from ..source import Finding, Source
from .checker import Checker
from .scope import Stats


def check(bindings: list[Source], app: list[Source]) -> tuple[list[Finding], Stats]:
    checker = Checker(bindings, app)
    findings = checker.run()
    return findings, checker.stats
