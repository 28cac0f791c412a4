import Foundation

/// How a record reads in a list: a title and a line under it. The forms say
/// which fields exist; this picks the few that name a record of each kind,
/// and falls back to the form's title when those are empty.
public struct RecordSummary: Equatable, Sendable {
    public let title: String
    public let subtitle: String

    public init(_ record: Record, forms: FormCatalog) {
        let value = { (key: String) -> String? in
            record.values[key].map { forms.display($0, kind: record.kind, key: key) }
        }
        let kindTitle = forms.title(record.kind)
        switch record.kind {
        case .client:
            title = value("alias") ?? kindTitle
            subtitle = [value("uic"), value("area")].compactMap { $0 }.joined(separator: " · ")
        case .contact:
            title = value("place") ?? kindTitle
            subtitle = [value("at"), value("visit_type")].compactMap { $0 }.joined(separator: " · ")
        case .caseNote:
            title = kindTitle
            subtitle = [value("date"), value("next_follow_up").map { "→ \($0)" }].compactMap { $0 }.joined(separator: " ")
        case .referral:
            title = value("service") ?? kindTitle
            subtitle = [value("status"), value("facility"), value("follow_up_due")].compactMap { $0 }.joined(separator: " · ")
        case .meeting:
            title = value("group_name") ?? kindTitle
            subtitle = [value("date"), value("attendance_total").map { "👥 \($0)" }].compactMap { $0 }.joined(separator: " · ")
        }
    }

    /// A client's line from the row the clients list reads: the same line
    /// as from the full record.
    public init(_ client: ClientRow, forms: FormCatalog) {
        let kindTitle = forms.title(.client)
        title = client.alias.flatMap { $0.isEmpty ? nil : $0 } ?? kindTitle
        subtitle = [client.code, client.area]
            .compactMap { $0.flatMap { $0.isEmpty ? nil : $0 } }
            .joined(separator: " · ")
    }
}
