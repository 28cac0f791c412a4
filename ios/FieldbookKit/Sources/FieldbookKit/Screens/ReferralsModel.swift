import Foundation
import Observation

/// Referrals by status, in the core's order (draft → sent → accepted →
/// completed, then declined, lost, cancelled): closing the loop matters most.
@MainActor
@Observable
public final class ReferralsModel {
    /// `nil`: every status.
    public var status: String?
    public private(set) var groups: [ReferralGroup] = []
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    public var statuses: [ChoiceSpec] { app.forms.referralStatuses }

    public func statusLabel(_ status: String) -> String {
        app.forms.choiceLabel(.referral, "status", status)
    }

    public func load() async {
        let status = status
        isLoading = true
        defer { isLoading = false }
        do {
            groups = try await app.perform { try $0.referrals(status: status) }
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }
}
