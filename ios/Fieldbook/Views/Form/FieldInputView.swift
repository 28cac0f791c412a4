import FieldbookKit
import SwiftUI

/// One field of a form, drawn by its type. Labels, hints, choices and
/// bounds come from the core's `FieldSpec`; problems from its live check.
@MainActor
struct FieldInputView: View {
    let field: FieldSpec
    let model: FormModel
    @Environment(AppModel.self) private var app

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            ForEach(model.headings(before: field), id: \.self) { heading in
                Text(heading).font(.headline).foregroundStyle(.tint).padding(.top, 8)
            }
            if field.readOnly {
                LabeledContent(field.label, value: readOnlyText)
                Text("Filled in by the form").font(.footnote).foregroundStyle(.secondary)
            } else {
                input
            }
            if let hint = field.hint, !hint.isEmpty {
                Text(hint).font(.footnote).foregroundStyle(.secondary)
            }
            if model.unparsedNumbers.contains(field.key) {
                Text("Enter a number.").font(.footnote).foregroundStyle(.red)
            }
            ForEach(model.problems(for: field.key), id: \.self) { problem in
                Text(problem.message).font(.footnote).foregroundStyle(.red)
            }
        }
    }

    private var label: String {
        field.required ? field.label + " *" : field.label
    }

    @ViewBuilder private var input: some View {
        switch field.fieldType {
        case .note:
            Text(field.label)
        case .calculate:
            // Worked out by the core on save; the model never shows it.
            EmptyView()
        case .phone:
            TextField(label, text: textBinding)
                .keyboardType(.phonePad)
                .textContentType(.telephoneNumber)
        case .text where field.numberPad:
            // A code typed on the number pad stays text (leading zeros kept).
            TextField(label, text: textBinding)
                .keyboardType(.numberPad)
        case .text where field.multiline:
            TextField(label, text: textBinding, axis: .vertical)
                .lineLimit(3 ... 8)
                // The keyboard would learn names and words from case notes.
                .autocorrectionDisabled()
        case .text:
            // One line: the core refuses line breaks outside multi-line fields.
            TextField(label, text: textBinding)
                .autocorrectionDisabled()
        case .integer:
            TextField(label, text: numberBinding)
                .keyboardType(.numberPad)
        case .decimal:
            TextField(label, text: numberBinding)
                .keyboardType(.decimalPad)
        case .date:
            OptionalDateField(label: label, components: .date, range: dateRange, date: dateBinding(time: false))
        case .datetime:
            OptionalDateField(label: label, components: [.date, .hourAndMinute], range: dateRange, date: dateBinding(time: true))
        case .singleChoice where field.dropdown:
            Picker(label, selection: choiceBinding) {
                Text(verbatim: "—").tag(String?.none)
                ForEach(model.choices(for: field), id: \.value) { choice in
                    Text(choice.label).tag(String?.some(choice.value))
                }
            }
            .pickerStyle(.menu)
        case .singleChoice:
            Picker(label, selection: choiceBinding) {
                Text(verbatim: "—").tag(String?.none)
                ForEach(model.choices(for: field), id: \.value) { choice in
                    Text(choice.label).tag(String?.some(choice.value))
                }
            }
            .pickerStyle(.inline)
        case .multipleChoice:
            MultipleChoiceField(label: label, choices: model.choices(for: field), selected: choicesBinding)
        case .yesNo:
            Picker(label, selection: yesNoBinding) {
                Text(verbatim: "—").tag(Bool?.none)
                Text("Yes").tag(Bool?.some(true))
                Text("No").tag(Bool?.some(false))
            }
            .pickerStyle(.segmented)
        case .link:
            NavigationLink {
                LinkPickerView(field: field, form: model, app: app)
            } label: {
                LabeledContent(label, value: linkSummary)
            }
        case .quantities:
            QuantitiesField(label: label, choices: field.choices, items: quantitiesBinding)
        }
    }

    /// A read-only field's value as text (the form's default).
    private var readOnlyText: String {
        switch model.value(key) {
        case let .text(value)?: return value
        case let .choice(value)?: return field.choices.first { $0.value == value }?.label ?? value
        case let .integer(value)?: return String(value)
        case let .decimal(value)?: return String(value)
        case let .date(value)?: return value
        case let .datetime(value)?: return value
        case let .yesNo(value)?: return value ? String(localized: "Yes") : String(localized: "No")
        default: return "—"
        }
    }

    // MARK: - Bindings between the widgets and the core's FieldValue

    private var key: String { field.key }

    private var textBinding: Binding<String> {
        Binding(
            get: { if case let .text(value)? = model.value(key) { return value } else { return "" } },
            set: { model.set(key, $0.isEmpty ? nil : .text(value: $0)) }
        )
    }

    private var numberBinding: Binding<String> {
        Binding(
            get: { model.numberText(key) },
            set: { model.setNumberText(key, $0, type: field.fieldType) }
        )
    }

    private func dateBinding(time: Bool) -> Binding<Date?> {
        Binding(
            get: {
                switch model.value(key) {
                case let .date(value)?: return FieldDates.date(fromDay: value)
                case let .datetime(value)?: return FieldDates.date(fromInstant: value)
                default: return nil
                }
            },
            set: { date in
                guard let date else { return model.set(key, nil) }
                model.set(key, time ? .datetime(value: FieldDates.instant(date)) : .date(value: FieldDates.day(date)))
            }
        )
    }

    private var dateRange: ClosedRange<Date> {
        let lower = FieldDates.bound(field.min) ?? .distantPast
        // "today" as a maximum means the whole day.
        let upper = FieldDates.bound(field.max).map { Calendar.current.date(byAdding: .second, value: 86_399, to: $0) ?? $0 } ?? .distantFuture
        return lower ... max(lower, upper)
    }

    private var choiceBinding: Binding<String?> {
        Binding(
            get: { if case let .choice(value)? = model.value(key) { return value } else { return nil } },
            set: { model.set(key, $0.map { .choice(value: $0) }) }
        )
    }

    private var choicesBinding: Binding<[String]> {
        Binding(
            get: { if case let .choices(values)? = model.value(key) { return values } else { return [] } },
            set: { model.set(key, $0.isEmpty ? nil : .choices(values: $0)) }
        )
    }

    private var yesNoBinding: Binding<Bool?> {
        Binding(
            get: { if case let .yesNo(value)? = model.value(key) { return value } else { return nil } },
            set: { model.set(key, $0.map { .yesNo(value: $0) }) }
        )
    }

    private var quantitiesBinding: Binding<[Quantity]> {
        Binding(
            get: { if case let .quantities(items)? = model.value(key) { return items } else { return [] } },
            set: { items in
                let counted = items.filter { $0.count > 0 }
                model.set(key, counted.isEmpty ? nil : .quantities(items: counted))
            }
        )
    }

    private var linkSummary: String {
        let ids = model.linkedIds(key)
        if ids.isEmpty { return String(localized: "Choose") }
        return ids.map { model.linkTitles[$0] ?? String($0.prefix(8)) }.joined(separator: ", ")
    }
}

/// A date that may be left empty: a button to set it, then a picker and a clear button.
@MainActor
private struct OptionalDateField: View {
    let label: String
    let components: DatePickerComponents
    let range: ClosedRange<Date>
    @Binding var date: Date?

    var body: some View {
        if let current = date {
            HStack {
                DatePicker(label, selection: Binding(get: { current }, set: { date = $0 }), in: range, displayedComponents: components)
                Button {
                    date = nil
                } label: {
                    Image(systemName: "xmark.circle.fill").foregroundStyle(.secondary)
                }
                .buttonStyle(.borderless)
                .accessibilityLabel(Text("Clear"))
            }
        } else {
            HStack {
                Text(label)
                Spacer()
                Button("Set") {
                    date = min(max(Date(), range.lowerBound), range.upperBound)
                }
                .buttonStyle(.borderless)
            }
        }
    }
}

/// Several choices: a disclosure row listing the chosen ones, a toggle each.
@MainActor
private struct MultipleChoiceField: View {
    let label: String
    let choices: [ChoiceSpec]
    @Binding var selected: [String]

    var body: some View {
        DisclosureGroup {
            ForEach(choices, id: \.value) { choice in
                Toggle(choice.label, isOn: Binding(
                    get: { selected.contains(choice.value) },
                    set: { on in
                        var chosen = Set(selected)
                        if on { chosen.insert(choice.value) } else { chosen.remove(choice.value) }
                        // Kept in the form's order of choices.
                        selected = choices.map(\.value).filter { chosen.contains($0) }
                    }
                ))
            }
        } label: {
            VStack(alignment: .leading) {
                Text(label)
                if !selected.isEmpty {
                    Text(choices.filter { selected.contains($0.value) }.map(\.label).joined(separator: ", "))
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
            }
        }
    }
}

/// How many of each item (syringes, condoms, naloxone…): a number each.
@MainActor
private struct QuantitiesField: View {
    let label: String
    let choices: [ChoiceSpec]
    @Binding var items: [Quantity]

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(label)
            ForEach(choices, id: \.value) { choice in
                HStack {
                    Text(choice.label).foregroundStyle(.secondary)
                    Spacer()
                    TextField("0", value: count(of: choice.value), format: .number)
                        .keyboardType(.numberPad)
                        .multilineTextAlignment(.trailing)
                        .frame(maxWidth: 90)
                }
            }
        }
    }

    private func count(of item: String) -> Binding<Int> {
        Binding(
            get: { Int(items.first { $0.item == item }?.count ?? 0) },
            set: { value in
                var updated = items.filter { $0.item != item }
                updated.append(Quantity(item: item, count: UInt64(max(0, value))))
                // In the form's order of items, as the core keeps them.
                let order = choices.map(\.value)
                items = updated.sorted { (order.firstIndex(of: $0.item) ?? .max) < (order.firstIndex(of: $1.item) ?? .max) }
            }
        )
    }
}
