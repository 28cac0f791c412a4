import Charts
import FieldbookKit
import SwiftUI

/// The supervisor's indicators for a period, for the team or one worker:
/// the period's totals, then month-by-month charts. Computed on this device
/// from the synced records (the hub cannot read them), so sync first.
@MainActor
struct IndicatorsView: View {
    @State private var model: IndicatorsModel

    init(app: AppModel) {
        _model = State(initialValue: IndicatorsModel(app: app))
    }

    var body: some View {
        List {
            Section {
                Picker("Period", selection: $model.period) {
                    ForEach(ReportPeriod.allCases) { period in
                        Text(period.title).tag(period)
                    }
                }
                Picker("Worker", selection: $model.worker) {
                    Text("Whole team").tag(String?.none)
                    ForEach(model.directory.devices, id: \.deviceId) { device in
                        Text(model.directory.name(device.deviceId)).tag(String?.some(device.deviceId))
                    }
                }
            }
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if let totals = model.totals {
                IndicatorTotalsSection(totals: totals, forms: model.forms)
                IndicatorChartsSection(charts: model.charts(labels: .localized))
                if totals.unreadableRecords > 0 {
                    Section {
                        Label("\(Int(totals.unreadableRecords)) records could not be read and are not counted.",
                              systemImage: "exclamationmark.shield")
                            .foregroundStyle(.orange)
                    }
                }
            }
        }
        .navigationTitle("Indicators")
        .overlay { if model.isLoading && model.totals == nil { ProgressView() } }
        .refreshable { await model.load() }
        .task {
            await model.load()
            await model.loadDirectory()
        }
        .onChange(of: model.period) { Task { await model.load() } }
        .onChange(of: model.worker) { Task { await model.load() } }
    }
}

extension ReportPeriod {
    var title: LocalizedStringKey {
        switch self {
        case .thisMonth: return "This month"
        case .lastMonth: return "Last month"
        case .last3Months: return "Last 3 months"
        case .last6Months: return "Last 6 months"
        case .last12Months: return "Last 12 months"
        }
    }
}

extension ChartLabels {
    static var localized: ChartLabels {
        ChartLabels(
            uniqueClients: String(localized: "Clients reached"),
            newClients: String(localized: "New clients"),
            referralsMade: String(localized: "Referrals made"),
            referralsCompleted: String(localized: "Referrals completed"),
            meetings: String(localized: "Meetings"),
            attendance: String(localized: "Attendance"),
            unknown: String(localized: "Not recorded")
        )
    }
}

/// The period's figures as the monthly report states them.
@MainActor
private struct IndicatorTotalsSection: View {
    let totals: Indicators
    let forms: FormCatalog

    var body: some View {
        Section {
            figure("Clients reached", totals.uniqueClientsReached.total)
            figure("New clients", totals.newClients.total)
            figure("Contacts", totals.contacts.total.total)
            figure("Anonymous contacts", totals.contacts.anonymous)
        } header: {
            Text(verbatim: "\(FieldDates.displayDay(totals.from)) – \(FieldDates.displayDay(totals.to))")
        } footer: {
            Text("Clients are counted once however often they were registered (by identifier code).")
        }
        Section("Referrals") {
            figure("Referrals made", totals.referralsMade.total)
            figure("Referrals completed", totals.referralsCompleted.total)
            if let rate = totals.referralCompletionRate {
                LabeledContent("Completion rate") { Text(rate, format: .percent.precision(.fractionLength(0))) }
            }
            if let median = totals.medianDaysToCompletion {
                LabeledContent("Median days to completion") { Text(median, format: .number.precision(.fractionLength(0 ... 1))) }
            }
            figure("Overdue", totals.referralsOverdue.total)
            figure("Lost to follow-up", totals.referralsLost.total)
        }
        if let caseNotes = totals.caseNotes {
            Section("Case management") {
                figure("Case notes", caseNotes.total)
                if let clients = totals.clientsWithCaseNote {
                    figure("Clients with a case note", clients.total)
                }
            }
        }
        Section("Groups") {
            figure("Meetings", totals.meetings)
            figure("Attendance", totals.attendanceTotal)
            figure("Women attending", totals.attendanceWomen)
        }
        if !totals.services.isEmpty {
            Section("Services handed out") {
                ForEach(totals.services, id: \.item) { service in
                    LabeledContent(forms.choiceLabel(.contact, "services", service.item)) {
                        Text(verbatim: "\(service.quantity)")
                    }
                }
            }
        }
        if !totals.uniqueClientsReached.bySex.isEmpty {
            Section("Clients reached by sex") {
                breakdown(totals.uniqueClientsReached.bySex) { forms.choiceLabel(.client, "sex", $0) }
            }
        }
        if !totals.uniqueClientsReached.byAgeBand.isEmpty {
            Section("Clients reached by age") {
                breakdown(totals.uniqueClientsReached.byAgeBand) { ageBandLabel($0) }
            }
        }
    }

    private func figure(_ title: LocalizedStringKey, _ value: UInt64) -> some View {
        LabeledContent(title) { Text(verbatim: "\(value)") }
    }

    private func breakdown(_ counts: [String: UInt64], label: @escaping (String) -> String) -> some View {
        ForEach(counts.keys.sorted(), id: \.self) { key in
            LabeledContent(key == "unknown" ? String(localized: "Not recorded") : label(key)) {
                Text(verbatim: "\(counts[key] ?? 0)")
            }
        }
    }

    /// The core's bands are `15_24`, `25_34`, `50_plus`…
    private func ageBandLabel(_ band: String) -> String {
        band.replacingOccurrences(of: "_plus", with: "+").replacingOccurrences(of: "_", with: "–")
    }
}
