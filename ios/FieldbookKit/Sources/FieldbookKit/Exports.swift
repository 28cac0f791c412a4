// The app and the tests see the core's types (RecordKind, FieldValue,
// FieldbookError…) through FieldbookKit, without a second import.
@_exported import FieldbookFFI
