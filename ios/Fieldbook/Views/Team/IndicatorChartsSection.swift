import Charts
import FieldbookKit
import SwiftUI

/// The indicators month by month, with Swift Charts: reach, contacts by
/// type, referrals made against completed, services handed out, meetings.
@MainActor
struct IndicatorChartsSection: View {
    let charts: IndicatorCharts

    var body: some View {
        Section("Clients reached") {
            grouped(charts.reach)
        }
        Section("Contacts") {
            stacked(charts.contactsByVisitType)
        }
        Section("Referrals") {
            grouped(charts.referrals)
        }
        if !charts.services.isEmpty {
            Section("Services handed out") {
                stacked(charts.services)
            }
        }
        Section("Groups") {
            grouped(charts.meetings)
        }
    }

    /// Bars side by side: series that are compared (made against completed).
    private func grouped(_ points: [ChartPoint]) -> some View {
        Chart(points) { point in
            BarMark(
                x: .value("Month", point.month, unit: .month),
                y: .value("Count", point.value)
            )
            .foregroundStyle(by: .value("Series", point.series))
            .position(by: .value("Series", point.series))
        }
        .chartXAxis {
            AxisMarks(values: .stride(by: .month)) { _ in
                AxisGridLine()
                AxisValueLabel(format: .dateTime.month(.abbreviated))
            }
        }
        .chartLegend(position: .bottom)
        .frame(height: 200)
        .padding(.vertical, 8)
    }

    /// Bars stacked: parts of one whole (contacts by type, items handed out).
    private func stacked(_ points: [ChartPoint]) -> some View {
        Chart(points) { point in
            BarMark(
                x: .value("Month", point.month, unit: .month),
                y: .value("Count", point.value)
            )
            .foregroundStyle(by: .value("Series", point.series))
        }
        .chartXAxis {
            AxisMarks(values: .stride(by: .month)) { _ in
                AxisGridLine()
                AxisValueLabel(format: .dateTime.month(.abbreviated))
            }
        }
        .chartLegend(position: .bottom)
        .frame(height: 200)
        .padding(.vertical, 8)
    }
}
