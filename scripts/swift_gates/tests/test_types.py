"""Reading Swift types from their text, as the bindings and the app write them."""

import unittest

from swift_gates import swift_types as T
from swift_gates.declarations import collect
from swift_gates.source import Source

STRING, INT = T.Named("String"), T.Named("Int")


class TypeTextTest(unittest.TestCase):
    def test_sugar_and_long_forms_are_the_same_type(self):
        self.assertEqual(
            T.parse_type("[String: FieldValue]?"), T.parse_type("Optional<Dictionary<String, FieldValue>>")
        )
        self.assertEqual(T.parse_type("[Int]"), T.Array(INT))
        self.assertEqual(T.parse_type("Swift.String"), STRING)

    def test_closure_types_keep_their_parameters_behind_attributes(self):
        t = T.parse_type("@escaping @Sendable (FieldbookStore) throws -> T")
        self.assertEqual(t, T.Function((T.Named("FieldbookStore"),), T.Named("T"), True))
        self.assertEqual(T.parse_type("() -> Void"), T.Function((), T.VOID))

    def test_tuples_keep_their_labels(self):
        t = T.parse_type("(values: [String: FieldValue], clear: [String])")
        self.assertEqual([label for label, _ in t.elements], ["values", "clear"])

    def test_nested_names_and_generics(self):
        self.assertEqual(T.parse_type("SyncModel.Progress"), T.Named("SyncModel.Progress"))
        self.assertEqual(T.parse_type("Task<Void, Never>?"), T.Optional(T.Named("Task", (T.VOID, T.Named("Never")))))

    def test_text_that_is_no_type(self):
        self.assertIsNone(T.try_parse_type("let x = 1"))


class DeclarationsTest(unittest.TestCase):
    def test_the_bindings_public_surface_only(self):
        text = b"""
        public struct ChoiceSpec {
            public var value: String
            fileprivate var secret: Int
            public init(value: String) { self.value = value }
        }
        fileprivate func helper() {}
        public func allForms(language: Language) -> [ChoiceSpec] { [] }
        public enum FieldbookError: Swift.Error {
            case WrongPin(attemptsLeft: UInt32, detail: String
            )
            case `default`
        }
        """
        module = collect([Source("FieldbookFFI.swift", text)], public_only=True)
        self.assertEqual(set(module.types["ChoiceSpec"].vars), {"value"})
        self.assertEqual(list(module.functions), ["allForms"])
        error = module.types["FieldbookError"]
        self.assertEqual(error.cases["WrongPin"].signature(), "WrongPin(attemptsLeft:detail:)")
        self.assertIn("default", error.cases)

    def test_doc_comments_inside_a_case_keep_its_labels(self):
        text = b"""
        public enum FieldValue {
            /**
             * A text field's value.
             */
            case text(
                /**
                 * The text, exactly as written.
                 */value: String
            )
            case yesNo(
                // a line comment, /* and a nested */ one
                /* outer /* inner */ still outer */value: Bool, count: Int64
            )
        }
        """
        module = collect([Source("FieldbookFFI.swift", text)], public_only=True)
        cases = module.types["FieldValue"].cases
        self.assertEqual(cases["text"].signature(), "text(value:)")
        self.assertEqual(cases["yesNo"].signature(), "yesNo(value:count:)")

    def test_a_struct_without_an_initializer_gets_its_memberwise_one(self):
        text = (
            b"struct FormRequest {\n    let id = UUID()\n    let kind: RecordKind\n    var editing: Record?\n"
            b"    var prefill: [String: FieldValue] = [:]\n}\n"
        )
        module = collect([Source("Route.swift", text)])
        [init] = module.types["FormRequest"].funcs["init"]
        self.assertEqual(
            [(p.label, p.has_default) for p in init.params], [("kind", False), ("editing", True), ("prefill", True)]
        )


if __name__ == "__main__":
    unittest.main()
