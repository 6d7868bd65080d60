import EventBackbone
import Foundation
import Metrics

/// The flow of tasks on the tasks service's `/metrics` (docs/operations.md), recorded once a
/// transition has committed:
///
/// - `orchestrator_task_first_offer_seconds`: created → first offered, for a task offered before
///   anything else happened to it (one edited first is not counted: its version moved);
/// - `orchestrator_task_completion_seconds`: created → completed;
/// - `orchestrator_offers_total{outcome}`: offers made (`made`), and how offers ended other than
///   accepted — `expired` (the reservation lapsed), `declined`, `withdrawn` (the employee went
///   offline, or an admin unassigned);
/// - `orchestrator_task_failures_total{retry}`: an employee's failure, `automatic` when the task
///   goes back to the queue for another attempt, `none` when it was the last;
/// - `orchestrator_task_retries_total`: an admin's retry of a FAILED task.
///
/// Tasks by status and priority, and overdue, are gauges worked out at scrape time (``TaskGauges``).
enum TaskFlowMetrics {
    static let firstOfferLabel = "orchestrator_task_first_offer_seconds"
    static let completionLabel = "orchestrator_task_completion_seconds"

    /// A first offer is milliseconds when someone is free, up to hours when nobody is; a
    /// completion is minutes to days.
    static let buckets: [String: [Duration]] = [
        firstOfferLabel: HopLatency.buckets + [.seconds(60), .seconds(300), .seconds(900), .seconds(3_600), .seconds(14_400)],
        completionLabel: [
            .seconds(1), .seconds(5), .seconds(15), .seconds(30), .seconds(60), .seconds(120), .seconds(300), .seconds(600),
            .seconds(1_800), .seconds(3_600), .seconds(7_200), .seconds(14_400), .seconds(28_800), .seconds(86_400),
            .seconds(259_200),
        ],
    ]

    private static let firstOffer = Timer(label: firstOfferLabel, preferredDisplayUnit: .seconds)
    private static let completion = Timer(label: completionLabel, preferredDisplayUnit: .seconds)
    private static let offersMade = Counter(label: "orchestrator_offers_total", dimensions: [("outcome", "made")])
    private static let offersExpired = Counter(label: "orchestrator_offers_total", dimensions: [("outcome", "expired")])
    private static let offersDeclined = Counter(label: "orchestrator_offers_total", dimensions: [("outcome", "declined")])
    private static let offersWithdrawn = Counter(label: "orchestrator_offers_total", dimensions: [("outcome", "withdrawn")])
    private static let failedWillRetry = Counter(label: "orchestrator_task_failures_total", dimensions: [("retry", "automatic")])
    private static let failedFinally = Counter(label: "orchestrator_task_failures_total", dimensions: [("retry", "none")])
    private static let adminRetries = Counter(label: "orchestrator_task_retries_total")

    /// Made when the service starts, so each series shows 0 until it counts.
    static func register() {
        _ = (firstOffer, completion, offersMade, offersExpired, offersDeclined, offersWithdrawn)
        _ = (failedWillRetry, failedFinally, adminRetries)
    }

    /// Records what `action` did; call it once the change has committed.
    static func committed(_ action: TaskLifecycle.Action, _ change: TaskChange) {
        let before = change.before
        switch action {
        case .assign:
            offersMade.increment()
            if before.version == 1 { firstOffer.record(duration: since(before.createdAt, change.after.updatedAt)) }
        case .complete:
            completion.record(duration: since(before.createdAt, change.after.updatedAt))
        case .requeue(let reason) where before.status == .assigned:
            switch reason {
            case .reservationExpired: offersExpired.increment()
            case .declined: offersDeclined.increment()
            default: offersWithdrawn.increment()
            }
        case .fail:
            if case .failedWillRetry = change.outcome { failedWillRetry.increment() } else { failedFinally.increment() }
        case .retry:
            adminRetries.increment()
        default:
            break
        }
    }

    private static func since(_ start: Date, _ end: Date) -> Duration {
        .milliseconds(max(0, Int64((end.timeIntervalSince(start) * 1_000).rounded())))
    }
}
