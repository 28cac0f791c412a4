"""The API gate on a small app against a stand-in for the bindings: the app
passes, and each kind of drift between them is reported where it is."""

import unittest

from .support import FIXTURES, Copy, run

BINDINGS = FIXTURES / "FieldbookFFI.swift"
APP = FIXTURES / "app"
MODEL = "Model.swift"


class ApiGateTest(unittest.TestCase):
    def check(self, app, bindings=BINDINGS):
        return run("api", "--bindings", str(bindings), str(app))

    def assert_reported(self, copy: Copy, at: str, message: str, relative: str = MODEL, bindings=BINDINGS):
        code, out = self.check(copy.root, bindings)
        self.assertEqual(code, 1, out)
        line = copy.line_of(relative, at)
        self.assertIn(f"{relative}:{line}:", out)
        self.assertIn(message, out)
        findings = [row for row in out.splitlines() if ": " in row and not row.startswith("swift api")]
        return findings

    def test_the_app_agrees_with_the_bindings(self):
        code, out = self.check(APP)
        self.assertEqual(code, 0, out)
        self.assertIn("0 disagree", out)

    def test_every_use_is_listed_on_request(self):
        code, out = run("api", "--list", "--bindings", str(BINDINGS), str(APP))
        self.assertEqual(code, 0, out)
        self.assertIn("call `searchClients`", out)
        self.assertIn("field or property `conflicts`", out)
        self.assertIn("exhaustive switch `kind`", out)
        self.assertIn("protocol requirement `PlatformKeyStore`", out)
        # SwiftUI and Foundation are no uses of the core.
        self.assertNotIn("`print`", out)

    def test_a_renamed_method(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "store.searchClients(text", "store.findClients(text")
            self.assert_reported(copy, "store.findClients", "the core's `FieldbookStore` has no method `findClients`")

    def test_a_method_the_bindings_renamed(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit("", "open func searchClients(", "open func findClients(")
            self.assert_reported(
                copy, "store.searchClients", "has no method `searchClients` in the bindings", bindings=bindings.root
            )

    def test_a_wrong_argument_label(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "area: nil", "region: nil")
            self.assert_reported(
                copy,
                "region: nil",
                "the app writes `searchClients(text:region:)`, the bindings have `searchClients(text:area:)`",
            )

    def test_a_parameter_the_bindings_added(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit(
                "",
                "open func add(kind: RecordKind, values: [String: FieldValue], allowDuplicate: Bool)",
                "open func add(kind: RecordKind, values: [String: FieldValue], allowDuplicate: Bool, author: String)",
            )
            self.assert_reported(
                copy, "$0.add(", "the bindings have `add(kind:values:allowDuplicate:author:)`", bindings=bindings.root
            )

    def test_a_parameter_with_a_default_may_be_left_out(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit(
                "",
                "open func add(kind: RecordKind, values: [String: FieldValue], allowDuplicate: Bool)",
                "open func add(kind: RecordKind, values: [String: FieldValue], allowDuplicate: Bool, "
                "author: String? = nil)",
            )
            code, out = self.check(copy.root, bindings.root)
            self.assertEqual(code, 0, out)

    def test_a_missing_enum_case_in_an_argument(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "language: .english", "language: .englsh")
            self.assert_reported(
                copy, ".englsh", "the core's `Language` has no case `englsh` in the bindings (did you mean `english`?)"
            )

    def test_a_missing_enum_case_in_a_switch(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, 'case .referral: return "referral"', 'case .referal: return "referral"')
            findings = self.assert_reported(copy, "case .referal", "the core's `RecordKind` has no case `referal`")
            self.assertTrue(any("does not handle `.referral`" in f for f in findings), findings)

    def test_a_case_the_bindings_added_to_a_switched_enum(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit("", "    case referral\n", "    case referral\n    case meeting\n")
            findings = self.assert_reported(
                copy,
                "switch kind",
                "this switch over the core's `RecordKind` has no `default` and does not handle `.meeting`",
                bindings=bindings.root,
            )
            # Both switches over RecordKind, the model's and the extension's.
            self.assertEqual(sum("does not handle `.meeting`" in f for f in findings), 2, findings)

    def test_a_switch_with_default_needs_no_new_case(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit("", "    case referral\n", "    case referral\n    case meeting\n")
            copy.edit(MODEL, 'case .referral: return "referral"', 'default: return "other"')
            copy.edit(MODEL, 'case .contact, .referral: return "doc"', 'default: return "doc"')
            code, out = self.check(copy.root, bindings.root)
            self.assertEqual(code, 0, out)

    def test_a_wrong_label_on_an_enum_case(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, '.link(id: "x")', '.link(ident: "x")')
            self.assert_reported(copy, ".link(ident:", "the app writes `link(ident:)`, the bindings have `link(id:)`")

    def test_a_pattern_with_the_wrong_number_of_values(self):
        with Copy(APP) as copy:
            copy.edit(
                MODEL,
                "catch let FieldbookError.WrongPin(attemptsLeft, detail)",
                "catch let FieldbookError.WrongPin(detail)",
            )
            self.assert_reported(
                copy,
                "catch let FieldbookError.WrongPin",
                "binds 1 value(s), but the core's `FieldbookError.WrongPin(attemptsLeft:detail:)` has 2",
            )

    def test_a_missing_record_field(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "record.createdAt", "record.created")
            self.assert_reported(
                copy,
                "record.created",
                "the core's `Record` has no field `created` in the bindings (did you mean `createdAt`?)",
            )

    def test_a_field_the_bindings_removed(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit("", "    public var conflicts: [String]\n", "")
            self.assert_reported(
                copy,
                "first.conflicts",
                "the core's `RecordWithConflicts` has no field `conflicts`",
                bindings=bindings.root,
            )

    def test_a_missing_field_in_a_key_path(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, ".map(\\.label)", ".map(\\.title)")
            self.assert_reported(copy, "\\.title", "the core's `ChoiceSpec` has no field `title`")

    def test_a_record_initializer_without_a_new_field(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, 'ChoiceSpec(value: "a", label: "A")', 'ChoiceSpec(value: "a")')
            self.assert_reported(
                copy, "ChoiceSpec(value", "the app writes `ChoiceSpec(value:)`, the bindings have `init(value:label:)`"
            )

    def test_a_protocol_method_with_other_labels(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "func destroy(keyLabel: String)", "func destroy(label: String)")
            self.assert_reported(
                copy,
                "final class Keys",
                "`Keys` conforms to the core's `PlatformKeyStore` but does "
                "not implement `destroy(keyLabel:)` (it has `destroy(label:)`)",
            )

    def test_a_protocol_method_with_another_type(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit(
                "",
                "func onProgress(phase: SyncPhase, done: UInt64, total: UInt64?)",
                "func onProgress(phase: SyncPhase, done: UInt32, total: UInt32?)",
            )
            self.assert_reported(
                copy,
                "func onProgress",
                "takes (SyncPhase, UInt64, UInt64?) but the core's "
                "`SyncProgressListener` passes (SyncPhase, UInt32, UInt32?)",
                bindings=bindings.root,
            )

    def test_a_protocol_requirement_the_bindings_added(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit(
                "",
                "    func destroy(keyLabel: String) throws\n",
                "    func destroy(keyLabel: String) throws\n\n    func exists(keyLabel: String) -> Bool\n",
            )
            self.assert_reported(
                copy, "PlatformKeyStore, @unchecked", "does not implement `exists(keyLabel:)`", bindings=bindings.root
            )

    def test_a_free_function_must_be_qualified(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "FieldbookFFI.allForms(", "allForms(")
            self.assert_reported(copy, "allForms(", "call the core's free function as `FieldbookFFI.allForms(…)`")

    def test_a_free_function_the_bindings_renamed(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            bindings.edit("", "public func allForms(", "public func forms(")
            self.assert_reported(copy, "allForms(", "the bindings declare no `allForms`", bindings=bindings.root)

    def test_a_type_the_bindings_renamed(self):
        with Copy(APP) as copy, Copy(BINDINGS) as bindings:
            text = (bindings.root).read_text().replace("RecordList", "RecordPage")
            bindings.root.write_text(text)
            self.assert_reported(
                copy,
                "store -> RecordList in",
                "`RecordList` is declared neither in the bindings "
                "nor in the app, but the core gives a `RecordPage` for it",
                bindings=bindings.root,
            )

    def test_missing_bindings_cannot_run(self):
        code, out = self.check(APP, FIXTURES / "nonexistent.swift")
        self.assertEqual(code, 2)
        self.assertIn("generate them with scripts/bindings.sh", out)

    def test_the_app_must_parse_first(self):
        with Copy(APP) as copy:
            copy.edit(MODEL, "func ids() -> [String] {", "func ids() -> [String] {{")
            code, out = self.check(copy.root)
        self.assertEqual(code, 1, out)
        self.assertIn("syntax error", out)


if __name__ == "__main__":
    unittest.main()
