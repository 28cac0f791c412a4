"""The syntax gate on good and broken Swift, and on the app itself."""

import unittest

from swift_gates import syntax
from swift_gates.source import Source

from .support import IOS, Copy, run


def findings(text: str):
    return syntax.check(Source("Example.swift", text.encode()))


class SyntaxGateTest(unittest.TestCase):
    def test_good_swift_passes(self):
        self.assertEqual(findings("struct A {\n    let x: Int\n    func f() -> Int { x + 1 }\n}\n"), [])

    def test_an_unclosed_struct_is_named_with_where_it_opened(self):
        [f] = findings("struct A {\n    func f() {\n    }\n")
        self.assertEqual((f.line, f.column), (4, 1))
        self.assertIn("missing `}` to close the body of `A` opened at 1:10", f.message)

    def test_an_unclosed_parenthesis(self):
        [f] = findings("func f() {\n    let x = (1, 2\n}\n")
        self.assertEqual((f.line, f.column), (2, 18))  # where the `)` was due
        self.assertIn("missing `)` to close tuple expression opened at 2:13", f.message)

    def test_text_that_is_no_swift_is_an_error_at_its_place(self):
        result = findings("struct A {}\nfunc f( {\n")
        self.assertTrue(result)
        self.assertEqual(result[0].line, 2)
        self.assertIn("syntax error", result[0].message)

    def test_columns_count_characters_not_bytes(self):
        [f] = findings('let s = "Tuấn"; func f( {\n')
        # `;` is the 15th character; in UTF-8 bytes (ấ takes three) it would be the 17th.
        self.assertEqual((f.line, f.column), (1, 15))

    def test_the_app_parses(self):
        code, out = run("syntax", str(IOS))
        self.assertEqual(code, 0, out)
        self.assertIn("0 error(s)", out)

    def test_a_brace_missing_anywhere_in_the_app_fails_the_gate(self):
        with Copy(IOS) as copy:
            relative = "Fieldbook/Views/RecordValuesView.swift"
            path = copy.root / relative
            text = path.read_text()
            path.write_text(text[: text.rstrip().rfind("}")])  # the struct's last brace, as it once was
            code, out = run("syntax", str(copy.root))
        self.assertEqual(code, 1, out)
        self.assertIn("RecordValuesView.swift:", out)
        self.assertIn("missing `}` to close the body of `RecordValuesView`", out)
        self.assertIn("1 error(s)", out)

    def test_a_missing_path_cannot_run(self):
        code, out = run("syntax", "/nonexistent/ios")
        self.assertEqual(code, 2)
        self.assertIn("does not exist", out)


if __name__ == "__main__":
    unittest.main()
