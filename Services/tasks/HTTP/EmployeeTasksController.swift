import EventBackbone
import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime
import TasksAPI

/// `/api/employee/tasks…`: the employee's own work. Acting on a task that is not theirs is 403;
/// an action the task's state does not allow is 409 with the current state.
struct EmployeeTasksController<Tasks: TaskStore>: Sendable {
    let tasks: Tasks
    let settings: TaskSettings

    func addRoutes(to router: Router<ServiceRequestContext>, employees: BearerTokenMiddleware, anyone: BearerTokenMiddleware) {
        let group = router.group("/api/employee/tasks").add(middleware: employees)
        group.get("current", use: current)
        group.get("dashboard", use: dashboard)
        group.get("history", use: history)
        group.post("get-next", use: getNext)
        group.post(":id/accept", use: accept)
        group.post(":id/decline", use: decline)
        group.post(":id/progress", use: progress)
        group.post(":id/complete", use: complete)
        group.post(":id/fail", use: fail)
        let shared = router.group("/api/tasks").add(middleware: anyone)
        shared.post(":id/comments", use: comment)
        shared.get(":id/comments", use: comments)
    }

    @Sendable func current(request: Request, context: ServiceRequestContext) async throws -> TaskItems {
        TaskItems(items: try await tasks.current(of: try context.requireIdentity().userId).map(\.body))
    }

    @Sendable func dashboard(request: Request, context: ServiceRequestContext) async throws -> Dashboard {
        let me = try context.requireIdentity().userId
        let current = try await tasks.current(of: me)
        let counts = try await tasks.counts(of: me)
        let recent = try await tasks.history(of: me, page: 0, size: 10).items
        return Dashboard(counts: .init(additionalProperties: counts), current: current.map(\.body), recent: recent.map(\.body))
    }

    @Sendable func history(request: Request, context: ServiceRequestContext) async throws -> HistoryPage {
        let me = try context.requireIdentity().userId
        let page = try request.integer("page", default: 0, in: 0...100_000)
        let size = try request.integer("size", default: 20, in: 1...100)
        let (items, total) = try await tasks.history(of: me, page: page, size: size)
        return HistoryPage(items: items.map(\.body), page: page, size: size, total: total)
    }

    @Sendable func getNext(request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Documented.Accepted> {
        let me = try context.requireIdentity().userId
        try await tasks.publish([try TaskEvents(correlationId: UUID.random()).envelope(WorkRequested(employeeId: me))])
        return EditedResponse(status: .accepted, response: Documented.Accepted("the scheduler will offer you the next task you can take"))
    }

    @Sendable func accept(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        try await act(.accept, request, context) { events, change in try events.accepted(change) }
    }

    /// Turns an offer down, with an optional `{"reason"}`: the task goes back to the queue and is
    /// kept from the caller for `ORCH_TASKS_DECLINE_HOLD`; the caller stays AVAILABLE
    /// (docs/tasks.md, "Declining an offer").
    @Sendable func decline(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let reason = try TaskRoutes.reason(try await request.decodeOptionalJSON(as: Documented.Reason.self))
        let avoidUntil = Date.nowToTheMillisecond.addingTimeInterval(settings.declineHold.seconds)
        return try await act(.requeue(.declined), request, context, reason: reason ?? "declined") { events, change in
            try events.declined(change, reason: reason, avoidUntil: avoidUntil)
        }
    }

    @Sendable func progress(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let body = try await request.decodeJSON(as: Documented.Progress.self)
        guard (0...100).contains(body.progress) else { throw APIError.invalid("progress", "progress must be 0–100") }
        guard (body.note?.schemaLength ?? 0) <= 4_000 else { throw APIError.invalid("note", "note must be at most 4,000 characters") }
        let note = body.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await act(.progress(body.progress), request, context) { events, change in
            try events.progressed(change, note: note?.isEmpty == false ? note : nil)
        }
    }

    @Sendable func complete(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let message = try TaskRoutes.message(try await request.decodeJSON(as: Documented.Message.self).message)
        return try await act(.complete, request, context, comment: message) { events, change in
            try events.completed(change, message: message)
        }
    }

    @Sendable func fail(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let message = try TaskRoutes.message(try await request.decodeJSON(as: Documented.Message.self).message)
        let backoff = settings.retryBackoff
        return try await act(.fail, request, context, comment: message) { events, change in
            try events.failed(change, message: message, backoff: backoff, now: Date())
        }
    }

    /// A comment on a task: an admin on any, an employee on one that is theirs. Its assignee sees
    /// it live (`task.commented`).
    @Sendable func comment(request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Documented.Comment> {
        let caller = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        let message = try TaskRoutes.message(try await request.decodeJSON(as: Documented.Message.self).message)
        let comment = Comment(id: UUID.random(), taskId: id, authorId: caller.userId, message: message, createdAt: .nowToTheMillisecond)
        let events = TaskEvents(correlationId: UUID.random())
        let added = try await tasks.addComment(comment) { task in
            guard caller.isAdmin || task.assigneeId == caller.userId else { throw APIError.forbidden }
            return try events.commented(comment, task: task)
        }
        guard added else { throw APIError.notFound("task") }
        return EditedResponse(status: .created, response: comment.body)
    }

    /// A task's comments, oldest first: an admin's on any task, an employee's on one that is theirs.
    @Sendable func comments(request: Request, context: ServiceRequestContext) async throws -> Documented.CommentList {
        let caller = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        guard let task = try await tasks.find(id) else { throw APIError.notFound("task") }
        guard caller.isAdmin || task.assigneeId == caller.userId else { throw APIError.forbidden }
        return Documented.CommentList(items: try await tasks.comments(of: id).map(\.body))
    }

    /// Applies `action` to one of the caller's own tasks, with its comment if any.
    private func act(
        _ action: TaskLifecycle.Action, _ request: Request, _ context: ServiceRequestContext, comment: String? = nil, reason: String? = nil,
        events make: @escaping @Sendable (TaskEvents, TaskChange) throws -> [EncodedEvent]
    ) async throws -> Documented.Task {
        let me = try context.requireIdentity().userId
        let id = try TaskRoutes.uuid(context, "id")
        let events = TaskEvents(correlationId: UUID.random())
        let tasks = tasks
        let comment = comment.map { Comment(id: UUID.random(), taskId: id, authorId: me, message: $0, createdAt: .nowToTheMillisecond) }
        return try await TaskRoutes.run {
            try await tasks.transition(
                id, action, actor: me, reason: reason, expectedVersion: nil, comment: comment,
                authorize: { task in guard task.assigneeId == me else { throw APIError.forbidden } },
                events: { change in try make(events, change) }
            ).after.body
        }
    }
}
