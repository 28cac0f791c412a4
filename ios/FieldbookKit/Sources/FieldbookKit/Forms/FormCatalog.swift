import Foundation

/// The forms in one language, looked up by kind and field: labels for
/// choices and fields wherever a screen shows a stored value. The built-in
/// forms come from `allForms`, which reads no store, so they need no
/// unlock; an unlocked store's own forms, which its team's supervisors may
/// have published since, come from `FieldbookStore.forms`.
public struct FormCatalog {
    public let language: Language
    private let forms: [RecordKind: FormSpec]

    public init(language: Language) {
        self.init(language: language, specs: FieldbookFFI.allForms(language: language))
    }

    public init(language: Language, specs: [FormSpec]) {
        self.language = language
        var forms: [RecordKind: FormSpec] = [:]
        for spec in specs {
            forms[spec.kind] = spec
        }
        self.forms = forms
    }

    public func spec(_ kind: RecordKind) -> FormSpec {
        forms[kind] ?? FieldbookFFI.form(kind: kind, language: language)
    }

    public func title(_ kind: RecordKind) -> String {
        spec(kind).title
    }

    public func field(_ kind: RecordKind, _ key: String) -> FieldSpec? {
        spec(kind).fields.first { $0.key == key }
    }

    /// A choice's label; the raw value when the form no longer lists it.
    public func choiceLabel(_ kind: RecordKind, _ key: String, _ value: String) -> String {
        field(kind, key)?.choices.first { $0.value == value }?.label ?? value
    }

    /// The referral statuses in the core's order, with their labels.
    public var referralStatuses: [ChoiceSpec] {
        FieldbookFFI.referralStatuses().map { ChoiceSpec(value: $0, label: choiceLabel(.referral, "status", $0)) }
    }

    /// The items of the contact form's services (syringes, condoms…), in order.
    public var serviceItems: [ChoiceSpec] {
        field(.contact, "services")?.choices ?? []
    }

    /// A stored value as text for lists and history (links as ids: the screen
    /// that has the linked records names them).
    public func display(_ value: FieldValue?, kind: RecordKind, key: String) -> String {
        guard let value else { return "—" }
        switch value {
        case let .text(value): return value
        case let .integer(value): return String(value)
        case let .decimal(value): return value.formatted()
        case let .date(value): return FieldDates.displayDay(value)
        case let .datetime(value): return FieldDates.displayInstant(value)
        case let .choice(value): return choiceLabel(kind, key, value)
        case let .choices(values): return values.map { choiceLabel(kind, key, $0) }.joined(separator: ", ")
        case let .yesNo(value): return value ? yes : no
        case let .link(id): return id
        case let .links(ids): return ids.joined(separator: ", ")
        case let .quantities(items):
            return items.map { "\(choiceLabel(kind, key, $0.item)) × \($0.count)" }.joined(separator: ", ")
        }
    }

    // The forms carry no words for yes and no; these two follow the forms' language.
    private var yes: String { language == .vietnamese ? "Có" : "Yes" }
    private var no: String { language == .vietnamese ? "Không" : "No" }
}
