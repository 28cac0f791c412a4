import Foundation
import Observation

/// The state of one form being filled in, for any kind: the generic
/// renderer draws `shownFields` from the core's `FormSpec`, and everything
/// the form knows (which fields show, what is wrong, the duplicate client)
/// comes from the core, so adding a field to a form is a change in the core's
/// data only.
@MainActor
@Observable
public final class FormModel {
    /// Another client has the code this one would get.
    public struct DuplicateWarning: Equatable {
        /// The core's explanation, in the store's language.
        public let message: String
        /// The clients with that code (at least the one the core named).
        public let existing: [Record]
    }

    public let kind: RecordKind
    /// The record being edited; `nil` for a new one.
    public let recordId: String?
    public let spec: FormSpec

    public private(set) var values: [String: FieldValue]
    public private(set) var visibleKeys: Set<String>
    public private(set) var issues: [FieldIssue] = []
    public private(set) var touched: Set<String> = []
    /// After a save was tried every field's problems show, touched or not.
    public private(set) var submitted = false
    public private(set) var formError: CoreError?
    public private(set) var duplicate: DuplicateWarning?
    public private(set) var isSaving = false
    public private(set) var savedId: String?
    /// Titles of linked records (a client's alias), by id.
    public private(set) var linkTitles: [String: String] = [:]
    /// Number fields whose text is not a number yet (the core never sees it).
    public private(set) var unparsedNumbers: Set<String> = []
    /// For fields whose choices depend on other answers: the values offered now.
    public private(set) var offeredChoices: [String: [String]] = [:]

    private let original: [String: FieldValue]
    private let app: AppModel
    @ObservationIgnored private var numberTexts: [String: String] = [:]
    @ObservationIgnored private var refreshTask: Task<Void, Never>?
    @ObservationIgnored private var generation = 0

    /// A new record, starting from the form's defaults and `prefill` (the
    /// client a contact is about, when started from the client's timeline).
    public init(newRecordOf kind: RecordKind, app: AppModel, prefill: [String: FieldValue] = [:]) {
        let spec = app.forms.spec(kind)
        var values: [String: FieldValue] = [:]
        for field in spec.fields {
            if let value = field.defaultValue { values[field.key] = value }
        }
        values.merge(prefill) { $1 }
        self.kind = kind
        self.recordId = nil
        self.spec = spec
        self.values = values
        self.original = [:]
        self.app = app
        self.visibleKeys = Self.unconditionalKeys(spec)
    }

    public init(editing record: Record, app: AppModel) {
        // A record is edited with the form version it was written with.
        let spec = (try? app.store?.formVersion(kind: record.kind, version: record.formVersion, language: app.language))
            ?? app.forms.spec(record.kind)
        self.kind = record.kind
        self.recordId = record.id
        self.spec = spec
        self.values = record.values
        self.original = record.values
        self.app = app
        self.visibleKeys = Self.unconditionalKeys(spec)
    }

    /// What shows before the core has answered: every drawn field without skip logic.
    private static func unconditionalKeys(_ spec: FormSpec) -> Set<String> {
        Set(spec.fields.filter { !$0.conditional && !$0.system && !$0.hidden }.map(\.key))
    }

    public var isEditing: Bool { recordId != nil }

    /// The forms' labels, for showing values.
    public var forms: FormCatalog { app.forms }

    /// The fields to draw, in the form's order (notes and read-only fields
    /// included; hidden fields and calculations never).
    public var shownFields: [FieldSpec] {
        spec.fields.filter { visibleKeys.contains($0.key) && !$0.system && !$0.hidden }
    }

    /// The choices to offer for a field: all of them, or those its filter
    /// leaves for the other answers.
    public func choices(for field: FieldSpec) -> [ChoiceSpec] {
        guard let offered = offeredChoices[field.key] else { return field.choices }
        return field.choices.filter { offered.contains($0.value) }
    }

    /// The headings of the sections that begin at `field` on screen (those
    /// the field above it is not in), outermost first.
    public func headings(before field: FieldSpec) -> [String] {
        let shown = shownFields
        guard let index = shown.firstIndex(where: { $0.key == field.key }) else { return [] }
        let chain = groupChain(field.group)
        let above = index > 0 ? groupChain(shown[index - 1].group) : []
        let shared = zip(chain, above).prefix { $0 == $1 }.count
        return chain.dropFirst(shared).compactMap { key in spec.groups.first { $0.key == key }?.label }
    }

    /// The groups a field lies in, outermost first.
    private func groupChain(_ innermost: String?) -> [String] {
        var chain: [String] = []
        var next = innermost
        while let key = next, !chain.contains(key), chain.count <= spec.groups.count {
            chain.insert(key, at: 0)
            next = spec.groups.first { $0.key == key }?.parent
        }
        return chain
    }

    /// Values the core sets (the client code), shown read-only when present.
    public var systemFields: [FieldSpec] {
        spec.fields.filter { $0.system && values[$0.key] != nil }
    }

    public func value(_ key: String) -> FieldValue? {
        values[key]
    }

    /// A field's problems, once the person has touched it or tried to save.
    public func problems(for key: String) -> [FieldIssue] {
        guard submitted || touched.contains(key) else { return [] }
        return issues.filter { $0.field == key }
    }

    /// Problems that belong to no field on screen (cross-field rules), after a save was tried.
    public var generalProblems: [FieldIssue] {
        guard submitted else { return [] }
        let shown = Set(shownFields.map(\.key))
        return issues.filter { !shown.contains($0.field) }
    }

    public func set(_ key: String, _ value: FieldValue?) {
        values[key] = value
        touched.insert(key)
        scheduleRefresh()
    }

    public func setLink(_ key: String, _ option: LinkOption?) {
        guard let option else { return set(key, nil) }
        linkTitles[option.id] = option.title
        set(key, .link(id: option.id))
    }

    /// Adds or removes one record of a multiple link (a meeting's attendees).
    public func toggleLink(_ key: String, _ option: LinkOption) {
        var ids: [String] = []
        if case let .links(current)? = values[key] { ids = current }
        if let index = ids.firstIndex(of: option.id) {
            ids.remove(at: index)
        } else {
            linkTitles[option.id] = option.title
            ids.append(option.id)
        }
        set(key, ids.isEmpty ? nil : .links(ids: ids))
    }

    /// The ids a link field holds, one or many.
    public func linkedIds(_ key: String) -> [String] {
        switch values[key] {
        case let .link(id)?: return [id]
        case let .links(ids)?: return ids
        default: return []
        }
    }

    /// The text of a number field as typed (so `1.` survives until `1.5`).
    public func numberText(_ key: String) -> String {
        if let text = numberTexts[key] { return text }
        switch values[key] {
        case let .integer(value)?: return String(value)
        case let .decimal(value)?: return String(value)
        default: return ""
        }
    }

    public func setNumberText(_ key: String, _ text: String, type: FieldType) {
        numberTexts[key] = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            unparsedNumbers.remove(key)
            return set(key, nil)
        }
        switch type {
        case .integer:
            if let number = Int64(trimmed) {
                unparsedNumbers.remove(key)
                return set(key, .integer(value: number))
            }
        default:
            // Either decimal mark: the number pad shows the region's.
            if let number = Double(trimmed.replacingOccurrences(of: ",", with: ".")) {
                unparsedNumbers.remove(key)
                return set(key, .decimal(value: number))
            }
        }
        unparsedNumbers.insert(key)
        touched.insert(key)
    }

    /// Names the linked records and asks the core what to show.
    public func start() async {
        let ids = values.values.flatMap { value -> [String] in
            switch value {
            case let .link(id): return [id]
            case let .links(ids): return ids
            default: return []
            }
        }
        if !ids.isEmpty {
            let forms = app.forms
            let titles = try? await app.perform { store -> [String: String] in
                var titles: [String: String] = [:]
                for id in ids {
                    // A link to a record this device cannot read stays an id.
                    if let record = try? store.get(id: id).record {
                        titles[id] = RecordSummary(record, forms: forms).title
                    }
                }
                return titles
            }
            linkTitles.merge(titles ?? [:]) { $1 }
        }
        await refresh()
    }

    private func scheduleRefresh() {
        refreshTask?.cancel()
        refreshTask = Task { [weak self] in
            // Typing fast asks the core once, after a short pause.
            try? await Task.sleep(for: .milliseconds(200))
            guard !Task.isCancelled else { return }
            await self?.refresh()
        }
    }

    /// Skip logic and live validation from the core, for the current values.
    public func refresh() async {
        generation += 1
        let mine = generation
        let kind = kind, values = values, recordId = recordId, original = original
        let entered = Set(spec.fields.filter(\.isEntered).map(\.key))
        let filtered = spec.fields.filter(\.filteredChoices).map(\.key)
        let version = spec.version
        do {
            let (visible, found, offered) = try await app.perform { store -> ([String], [FieldIssue], [String: [String]]) in
                // The form drawn: a record's own version when editing it.
                let visible = store.visibleFields(kind: kind, values: values, version: version)
                let shown = Set(visible)
                // In an edit, a field emptied on screen is cleared: a required one is reported now.
                let cleared = recordId == nil ? [] : visible.filter { original[$0] != nil && values[$0] == nil }
                let check = try store.check(
                    kind: kind, values: values.filter { shown.contains($0.key) && entered.contains($0.key) },
                    recordId: recordId, clear: cleared)
                var offered: [String: [String]] = [:]
                for key in filtered where shown.contains(key) {
                    offered[key] = store.visibleChoices(kind: kind, key: key, values: values, version: version)
                }
                return (visible, check, offered)
            }
            // An older answer must not overwrite a newer one.
            guard mine == generation else { return }
            visibleKeys = Set(visible)
            issues = found
            offeredChoices = offered
        } catch {
            guard mine == generation else { return }
            formError = CoreError(error)
        }
    }

    /// The values a new record is written with: the fields on screen a
    /// person enters, so an answer hidden by skip logic is not stored, and
    /// what the form fills in (defaults, calculations) is the core's to set.
    private var submission: [String: FieldValue] {
        let shown = Set(shownFields.filter(\.isEntered).map(\.key))
        return values.filter { shown.contains($0.key) }
    }

    /// For an edit: the fields that changed, and those to clear (emptied, or
    /// hidden by skip logic). Keys this form version does not define stay as
    /// they are.
    private var changes: (values: [String: FieldValue], clear: [String]) {
        let shown = Set(shownFields.map(\.key))
        var changed: [String: FieldValue] = [:]
        var clear: [String] = []
        for field in spec.fields where field.isEntered {
            let now = shown.contains(field.key) ? values[field.key] : nil
            let before = original[field.key]
            guard now != before else { continue }
            if let now {
                changed[field.key] = now
            } else if before != nil {
                clear.append(field.key)
            }
        }
        return (changed, clear)
    }

    /// Writes the record. `allowDuplicate` after the person confirmed that a
    /// client sharing another's code is a different person.
    @discardableResult
    public func save(allowDuplicate: Bool = false) async -> Bool {
        guard !isSaving else { return false }
        isSaving = true
        defer { isSaving = false }
        submitted = true
        formError = nil
        refreshTask?.cancel()
        await refresh()
        guard unparsedNumbers.isEmpty else { return false }
        let kind = kind
        do {
            if let recordId {
                let (changed, clear) = changes
                _ = try await app.perform { try $0.update(id: recordId, values: changed, clear: clear) }
                savedId = recordId
            } else {
                let values = submission
                savedId = try await app.perform { try $0.add(kind: kind, values: values, allowDuplicate: allowDuplicate) }
            }
            duplicate = nil
            return true
        } catch let FieldbookError.Invalid(fields, detail) {
            issues = fields
            if fields.isEmpty { formError = CoreError(reason: .invalid, message: detail) }
        } catch let FieldbookError.DuplicateClient(existingId, detail) {
            duplicate = await duplicateWarning(existingId: existingId, message: detail)
        } catch {
            formError = CoreError(error)
        }
        return false
    }

    public func dismissDuplicate() {
        duplicate = nil
    }

    private func duplicateWarning(existingId: String, message: String) async -> DuplicateWarning {
        let existing = try? await app.perform { store -> [Record] in
            let first = try store.get(id: existingId).record
            guard case let .text(code)? = first.values["uic"] else { return [first] }
            let all = try store.clientsWithCode(code: code)
            return all.isEmpty ? [first] : all
        }
        return DuplicateWarning(message: message, existing: existing ?? [])
    }
}

public extension FieldSpec {
    /// Whether a person gives this field its value: not the core (the client
    /// code), not the form (read-only, hidden, calculate), not a note.
    var isEntered: Bool {
        !(system || readOnly || hidden || fieldType == .note || fieldType == .calculate)
    }
}
