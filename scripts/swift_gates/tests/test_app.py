"""The API gate on the real app against the bindings scripts/bindings.sh
generated: the app passes, and the app broken in each way the core's
changes break it (or the bindings changed under it) fails where it broke.
Skipped without generated bindings, except in the test command."""

import unittest

from .support import IOS, Copy, bindings_required, real_bindings, run

BINDINGS = real_bindings()


def setUpModule():
    if BINDINGS is None:
        if bindings_required():
            raise AssertionError("no generated Swift bindings: run scripts/bindings.sh first")
        raise unittest.SkipTest("no generated Swift bindings (scripts/bindings.sh makes them)")


class RealAppTest(unittest.TestCase):
    def check(self, app, bindings=None):
        return run("api", "--bindings", str(bindings or BINDINGS), str(app))

    def assert_reported(self, copy: Copy, relative: str, at: str, message: str, bindings=None):
        code, out = self.check(copy.root, bindings)
        self.assertEqual(code, 1, out)
        line = copy.line_of(relative, at)
        self.assertIn(f"{relative}:{line}:", out)
        self.assertIn(message, out)

    def test_the_app_agrees_with_the_bindings(self):
        code, out = self.check(IOS)
        self.assertEqual(code, 0, out)
        checked = int(out.rsplit("swift api: ", 1)[1].split()[0])
        # The whole app is read, not a corner of it (about 300 uses when written).
        self.assertGreater(checked, 250, out)

    def test_a_renamed_method(self):
        with Copy(IOS) as copy:
            relative = "FieldbookKit/Sources/FieldbookKit/Screens/ClientsModel.swift"
            copy.edit(relative, "store.searchClients(", "store.findClients(")
            self.assert_reported(
                copy, relative, "store.findClients(", "the core's `FieldbookStore` has no method `findClients`"
            )

    def test_a_wrong_argument_label(self):
        with Copy(IOS) as copy:
            relative = "FieldbookKit/Sources/FieldbookKit/Session/SetupModel.swift"
            copy.edit(relative, "hubUrl: hub,", "hubURL: hub,")
            self.assert_reported(
                copy, relative, "FieldbookStore.enroll(", "wrong argument labels for the core's `FieldbookStore.enroll`"
            )

    def test_a_missing_enum_case(self):
        with Copy(IOS) as copy:
            relative = "Fieldbook/Views/Labels.swift"
            copy.edit(relative, "case .caseManager: return", "case .caseWorker: return")
            self.assert_reported(copy, relative, "case .caseWorker", "the core's `Role` has no case `caseWorker`")

    def test_a_missing_record_field(self):
        with Copy(IOS) as copy:
            relative = "Fieldbook/Views/SyncView.swift"
            copy.edit(relative, "summary.pushDuplicates > 0", "summary.duplicates > 0")
            self.assert_reported(
                copy, relative, "summary.duplicates", "the core's `SyncSummary` has no field `duplicates`"
            )

    def test_a_callback_method_the_app_implements_wrongly(self):
        with Copy(IOS) as copy:
            relative = "FieldbookKit/Sources/FieldbookKit/Platform/KeychainKeyStore.swift"
            copy.edit(
                relative, "func unwrap(keyLabel: String, wrapped: Data)", "func unwrap(label: String, wrapped: Data)"
            )
            self.assert_reported(
                copy,
                relative,
                "PlatformKeyStore, @unchecked",
                "`KeychainKeyStore` conforms to the core's `PlatformKeyStore` but does not implement "
                "`unwrap(keyLabel:wrapped:)`",
            )

    def test_a_case_added_to_a_core_enum_the_app_switches_over(self):
        with Copy(IOS) as copy, Copy(BINDINGS) as bindings:
            bindings.edit("", "    case push\n", "    case push\n    case verify\n")
            self.assert_reported(
                copy,
                "Fieldbook/Views/Labels.swift",
                "switch self {\n        case .push",
                "this switch over the core's `SyncPhase` has no `default` and does not handle `.verify`",
                bindings=bindings.root,
            )

    def test_a_parameter_added_to_a_core_method(self):
        with Copy(IOS) as copy, Copy(BINDINGS) as bindings:
            bindings.edit(
                "",
                "open func invite(role: Role, days: UInt32)",
                "open func invite(role: Role, days: UInt32, note: String)",
            )
            self.assert_reported(
                copy,
                "FieldbookKit/Sources/FieldbookKit/Team/DevicesModel.swift",
                "$0.invite(",
                "the bindings have `invite(role:days:note:)`",
                bindings=bindings.root,
            )


if __name__ == "__main__":
    unittest.main()
