import FieldbookKit
import SwiftUI

/// Sync with the office hub: "sync now", progress while it runs, and the
/// last result exactly as the core summarised it.
@MainActor
struct SyncView: View {
    @Environment(SyncModel.self) private var sync
    @Environment(AppModel.self) private var app

    var body: some View {
        List {
            Section {
                if sync.isRunning {
                    VStack(alignment: .leading, spacing: 8) {
                        if let progress = sync.progress {
                            Text(progress.phase.title)
                            if let fraction = progress.fraction {
                                ProgressView(value: fraction)
                            } else {
                                ProgressView()
                            }
                            Text("\(Int(progress.done)) versions").font(.caption).foregroundStyle(.secondary)
                        } else {
                            ProgressView()
                        }
                    }
                    Button("Stop", role: .destructive) { sync.cancel() }
                } else {
                    Button {
                        Task { await sync.run(trigger: .manual) }
                    } label: {
                        Label("Sync now", systemImage: "arrow.triangle.2.circlepath")
                    }
                }
            } footer: {
                Text("Everything is encrypted on this phone before it leaves; the office hub cannot read it.")
            }
            lastResult
            Section("This phone") {
                NavigationLink("Duress PIN") { DuressPinView(app: app) }
            }
        }
        .navigationTitle("Sync")
    }

    @ViewBuilder private var lastResult: some View {
        Section("Last sync") {
            if let finished = sync.lastFinishedAt {
                LabeledContent("When") { Text(finished, style: .relative) }
                LabeledContent("Result") {
                    if sync.lastSucceeded == true {
                        Label("Complete", systemImage: "checkmark.circle.fill").foregroundStyle(.green)
                    } else {
                        Label("Incomplete", systemImage: "exclamationmark.triangle.fill").foregroundStyle(.orange)
                    }
                }
            } else {
                Text("Never synced.").foregroundStyle(.secondary)
            }
            switch sync.lastOutcome {
            case let .finished(summary)?:
                SummaryRows(summary: summary)
            case let .failed(error)?:
                ErrorText(error)
            case .skippedNoStore?:
                Text("Skipped: this device is not set up.").foregroundStyle(.secondary)
            case .alreadyRunning?, nil:
                EmptyView()
            }
        }
    }
}

@MainActor
private struct SummaryRows: View {
    let summary: SyncSummary

    var body: some View {
        LabeledContent("Sent") { Text(verbatim: "\(summary.pushed)") }
        if summary.pushDuplicates > 0 {
            LabeledContent("Already on the hub") { Text(verbatim: "\(summary.pushDuplicates)") }
        }
        LabeledContent("Received") { Text(verbatim: "\(summary.pulled)") }
        LabeledContent("New to this device") { Text(verbatim: "\(summary.merged)") }
        if summary.held > 0 {
            // Pulled while locked: merged as soon as the PIN is typed.
            LabeledContent("Waiting for the PIN") { Text(verbatim: "\(summary.held)") }
        }
        if summary.conflicts > 0 {
            LabeledContent("Edited on two devices") { Text(verbatim: "\(summary.conflicts)").foregroundStyle(.orange) }
        }
        if summary.keysLearned > 0 {
            LabeledContent("New team keys") { Text(verbatim: "\(summary.keysLearned)") }
        }
        if summary.rejected > 0 {
            LabeledContent("Could not be opened") { Text(verbatim: "\(summary.rejected)").foregroundStyle(.red) }
        }
        if summary.keysRefused > 0 {
            // Key envelopes no supervisor of the team signed: refused, never used.
            LabeledContent("Team keys refused") { Text(verbatim: "\(summary.keysRefused)").foregroundStyle(.red) }
        }
        if summary.cancelled {
            Text("Stopped before the end; the next sync continues from there.").foregroundStyle(.secondary)
        }
        if summary.wiped {
            Text("The office ordered this device erased.").foregroundStyle(.red)
        }
        ForEach(Array(summary.errors.enumerated()), id: \.offset) { _, error in
            Text(error).font(.callout).foregroundStyle(.red)
        }
        if !summary.warnings.isEmpty {
            Text("Good to know").font(.headline)
            ForEach(Array(summary.warnings.enumerated()), id: \.offset) { _, warning in
                Text(warning).font(.callout)
            }
        }
    }
}
