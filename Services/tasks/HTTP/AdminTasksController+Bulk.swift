import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime
import TasksAPI

typealias BulkResult = Documented.BulkResult
extension BulkResult: ResponseEncodable {}

/// `POST /api/admin/tasks/bulk` (docs/tasks.md, "Acting on many tasks"): one action — cancel,
/// retry, reprioritise (an edit of each) — on up to `bulkLimit` tasks in one request. Each task
/// changes on its own — its own conditional transition, audit row and events, exactly as the
/// one-task route would — so one that the action does not fit is reported and left as it is,
/// and does not stop the others.
extension AdminTasksController {
    /// How many tasks one request may name.
    static var bulkLimit: Int { 500 }

    @Sendable func bulk(request: Request, context: ServiceRequestContext) async throws -> BulkResult {
        let admin = try context.requireIdentity()
        let body = try await request.decodeJSON(as: Documented.BulkAction.self)
        let ids = try Self.bulkIds(body.ids)
        let reason = try TaskRoutes.reason(Documented.Reason(reason: body.reason))
        if reason != nil, body.action != .cancel { throw APIError.invalid("reason", "reason is for cancel only") }
        let priority = body.priority
        switch (body.action, priority) {
        case (.reprioritise, nil): throw APIError.invalid("priority", "priority is required to reprioritise")
        case (.reprioritise, let priority?) where !(1...5).contains(priority):
            throw APIError.invalid("priority", "priority must be 1 (most urgent) to 5")
        case (.cancel, _?), (.retry, _?): throw APIError.invalid("priority", "priority is for reprioritise only")
        default: break
        }
        // One correlation id for the whole request: its events read as one admin's act.
        let events = TaskEvents(correlationId: UUID.random())
        var results: [Documented.BulkOutcome] = []
        results.reserveCapacity(ids.count)
        for id in ids {
            do {
                let (task, changed) =
                    switch body.action {
                    case .cancel: (try await cancel(id, by: admin.userId, reason: reason, events: events), true)
                    case .retry: (try await retry(id, by: admin.userId, events: events), true)
                    case .reprioritise:
                        try await edit(id, TaskEdit(priority: priority), expectedVersion: nil, by: admin.userId, events: events)
                    }
                results.append(.init(id: id.uuidString, outcome: changed ? .changed : .unchanged, task: task.body))
            } catch TransitionFailure.notFound {
                results.append(.init(id: id.uuidString, message: "no such task", outcome: .notFound))
            } catch TransitionFailure.conflict(let status, let version), TransitionFailure.stale(let status, let version) {
                results.append(
                    .init(
                        id: id.uuidString, message: Self.refusal(body.action, status), outcome: .refused, status: status.rawValue,
                        version: version))
            }
        }
        return BulkResult(
            action: .init(body.action), changed: results.count { $0.outcome == .changed },
            refused: results.count { $0.outcome == .refused || $0.outcome == .notFound }, results: results)
    }

    /// The ids as sent: 1…`bulkLimit` of them, each a UUID, none twice.
    static func bulkIds(_ sent: [String]) throws -> [UUID] {
        guard (1...bulkLimit).contains(sent.count) else {
            throw APIError.invalid("ids", "ids must name 1–\(bulkLimit) tasks (\(sent.count) sent)")
        }
        var seen = Set<UUID>()
        return try sent.enumerated().map { index, text in
            guard let id = UUID(uuidString: text) else { throw APIError.invalid("ids", "ids[\(index)] must be a UUID") }
            guard seen.insert(id).inserted else { throw APIError.invalid("ids", "ids[\(index)] repeats \(text)") }
            return id
        }
    }

    /// Why an action left a task as it is, in a sentence.
    static func refusal(_ action: Documented.BulkAction.ActionPayload, _ status: TaskStatus) -> String {
        switch action {
        case .cancel: "it is \(status.rawValue) already; only an open task can be cancelled"
        case .retry: "it is \(status.rawValue); only a FAILED task can be retried"
        case .reprioritise: "it is \(status.rawValue); only an open task can be reprioritised"
        }
    }
}

extension BulkResult.ActionPayload {
    init(_ action: Documented.BulkAction.ActionPayload) {
        switch action {
        case .cancel: self = .cancel
        case .retry: self = .retry
        case .reprioritise: self = .reprioritise
        }
    }
}
