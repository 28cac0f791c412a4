"""The views' isolation check, run with the syntax gate."""

import unittest

from swift_gates import isolation
from swift_gates.source import Source

from .support import IOS, Copy, run


def findings(text: str):
    return isolation.check(Source("Views.swift", text.encode()))


class IsolationTest(unittest.TestCase):
    def test_a_main_actor_view_passes(self):
        found, seen = findings('@MainActor\nstruct A: View {\n    var body: some View { Text("a") }\n}\n')
        self.assertEqual((found, seen), ([], 1))

    def test_a_view_without_main_actor_is_named(self):
        [f], seen = findings("/// A view.\nprivate struct Row: View {\n    var body: some View { EmptyView() }\n}\n")
        self.assertEqual(seen, 1)
        self.assertEqual((f.line, f.column), (2, 16))
        self.assertIn("`Row` is a SwiftUI View but not `@MainActor`", f.message)

    def test_the_app_and_view_helpers_count(self):
        text = (
            "@main\nstruct FieldbookApp: App {\n    var body: some Scene { WindowGroup {} }\n}\n"
            "extension View {\n    func destinations() -> some View { self }\n}\n"
        )
        found, seen = findings(text)
        self.assertEqual(seen, 2)
        self.assertEqual([f.line for f in found], [2, 6])

    def test_other_types_are_left_alone(self):
        self.assertEqual(findings("struct Model {\n    func f() {}\n}\nextension String {}\n"), ([], 0))

    def test_a_view_of_the_app_without_main_actor_fails_the_gate(self):
        with Copy(IOS) as copy:
            relative = "Fieldbook/Views/SyncView.swift"
            copy.edit(relative, "@MainActor\nstruct SyncView: View {", "struct SyncView: View {")
            code, out = run("syntax", str(copy.root))
            line = copy.line_of(relative, "struct SyncView")
        self.assertEqual(code, 1, out)
        self.assertIn(f"SyncView.swift:{line}:8: `SyncView` is a SwiftUI View but not `@MainActor`", out)
        self.assertIn("1 not @MainActor", out)


if __name__ == "__main__":
    unittest.main()
