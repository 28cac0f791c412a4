import FieldbookKit
import SwiftUI

// The app's own words for the core's enums (the forms' words come from the
// core, in the store's language).

extension Role {
    static let allInOrder: [Role] = [.outreach, .caseManager, .peerLeader, .supervisor]

    var title: LocalizedStringKey {
        switch self {
        case .outreach: return "Outreach worker"
        case .caseManager: return "Case manager"
        case .peerLeader: return "Peer group leader"
        case .supervisor: return "Supervisor"
        }
    }
}

extension SyncPhase {
    var title: LocalizedStringKey {
        switch self {
        case .push: return "Sending this device's records"
        case .keys: return "Fetching new team keys"
        case .pull: return "Receiving the team's records"
        }
    }
}

extension DueReason {
    var title: LocalizedStringKey {
        switch self {
        case .referralFollowUp: return "Referral follow-up"
        case .caseNoteFollowUp: return "Case follow-up"
        }
    }

    var systemImage: String {
        switch self {
        case .referralFollowUp: return "arrow.triangle.turn.up.right.diamond"
        case .caseNoteFollowUp: return "person.text.rectangle"
        }
    }
}

extension RecordKind {
    var systemImage: String {
        switch self {
        case .client: return "person"
        case .contact: return "figure.walk"
        case .caseNote: return "note.text"
        case .referral: return "arrow.triangle.turn.up.right.diamond"
        case .meeting: return "person.3"
        }
    }
}

/// Days past due, as a short badge.
@MainActor
struct OverdueBadge: View {
    let item: DueItem

    var body: some View {
        if item.overdue {
            Text("\(Int(item.daysOverdue)) d late")
                .font(.caption.bold())
                .padding(.horizontal, 6)
                .padding(.vertical, 2)
                .background(.red.opacity(0.15), in: Capsule())
                .foregroundStyle(.red)
        } else {
            Text("Today")
                .font(.caption.bold())
                .foregroundStyle(.orange)
        }
    }
}
