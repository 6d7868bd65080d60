import Crypto
import EventContracts
import Foundation
import HTTPTypes
import Hummingbird
import ServiceRuntime
import TasksAPI

/// `/api/admin/tasks…`: create, list, inspect, edit, assign by hand, take back, retry, cancel — one task or many.
struct AdminTasksController<Tasks: TaskStore>: Sendable {
    let tasks: Tasks
    let settings: TaskSettings

    func addRoutes(to router: Router<ServiceRequestContext>, signer: BearerTokenMiddleware) {
        let admin = router.group("/api/admin/tasks").add(middleware: signer)
        admin.post(use: create)
        admin.get(use: list)
        admin.get("workload", use: workload)
        admin.get(":id", use: detail)
        admin.patch(":id", use: edit)
        admin.post(":id/assign/:employeeId", use: assign)
        admin.post(":id/retry", use: retry)
        admin.post(":id/cancel", use: cancel)
        admin.post(":id/unassign", use: unassign)
        admin.post("bulk", use: bulk)
    }

    @Sendable func create(request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Documented.Task> {
        let admin = try context.requireIdentity()
        let body = try await request.decodeJSON(as: Documented.CreateTask.self)
        let new = try validate(body)
        let now = Date.nowToTheMillisecond
        let task = TaskRecord(
            id: UUID.random(), name: new.name, description: new.description, priority: new.priority, requiredSkills: new.requiredSkills,
            status: .pending, assigneeId: nil, reservationId: nil, attempt: 1, maxAttempts: new.maxAttempts, progress: 0,
            flagged: false, dueAt: new.dueAt, offerExpiresAt: nil, version: 1, createdBy: admin.userId, createdAt: now, updatedAt: now
        )
        let idempotency = try request.headers[.idempotencyKey].map { key in
            guard (1...200).contains(key.schemaLength) else {
                throw APIError.invalid("Idempotency-Key", "Idempotency-Key must be 1–200 characters")
            }
            return (key: key, hash: try Self.fingerprint(new))
        }
        switch try await tasks.create(task, idempotency: idempotency, correlationId: UUID.random()) {
        case .created(let task): return EditedResponse(status: .created, response: task.body)
        case .replayed(let task): return EditedResponse(status: .ok, response: task.body)
        case .keyReused:
            throw APIError(
                .unprocessableContent, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used with a different body")
        }
    }

    /// How far in the past a due date may be at creation: clock skew, a repeated request.
    static var pastDueGrace: TimeInterval { 60 }

    func validate(_ body: Documented.CreateTask) throws -> NewTask {
        let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, body.name.schemaLength <= 200 else { throw APIError.invalid("name", "name must be 1–200 characters") }
        let description = body.description ?? ""
        guard description.schemaLength <= 10_000 else {
            throw APIError.invalid("description", "description must be at most 10,000 characters")
        }
        guard (1...5).contains(body.priority) else { throw APIError.invalid("priority", "priority must be 1 (most urgent) to 5") }
        let maxAttempts = body.maxAttempts ?? settings.defaultMaxAttempts
        guard (1...20).contains(maxAttempts) else { throw APIError.invalid("maxAttempts", "maxAttempts must be 1–20") }
        if let due = body.dueAt { try Self.validateDue(due) }
        return NewTask(
            name: name, description: description, priority: body.priority,
            requiredSkills: try SkillList.validated(body.requiredSkills ?? [], field: "requiredSkills"),
            maxAttempts: maxAttempts, dueAt: body.dueAt
        )
    }

    /// A due date already missed is almost always a typo (2020 for 2026); a minute's grace covers
    /// clocks that disagree a little and a request repeated with its Idempotency-Key.
    static func validateDue(_ due: Date) throws {
        if due < Date().addingTimeInterval(-pastDueGrace) {
            throw APIError.invalid("dueAt", "dueAt is in the past (\(ISO8601DateFormatter().string(from: due))); give a time still to come")
        }
    }

    static func fingerprint(_ task: NewTask) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .millisecondsSince1970
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: try encoder.encode(task)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    @Sendable func list(request: Request, context: ServiceRequestContext) async throws -> TaskPage {
        let query = request.uri.queryParameters
        var filter = TaskFilter()
        if let text = query["status"] {
            guard let status = TaskStatus(rawValue: String(text).uppercased()) else {
                throw APIError.invalid("status", "status must be one of \(TaskStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.status = status
        }
        if query["priority"] != nil { filter.priority = try request.integer("priority", default: 1, in: 1...5) }
        if let text = query["assignee"] {
            guard let id = UUID(uuidString: String(text)) else { throw APIError.invalid("assignee", "assignee must be a UUID") }
            filter.assignee = id
        }
        if let text = query["overdue"] {
            guard let overdue = Bool(String(text).lowercased()) else { throw APIError.invalid("overdue", "overdue must be true or false") }
            filter.overdue = overdue
        }
        filter.createdFrom = try Self.time(query["createdFrom"], "createdFrom")
        filter.createdTo = try Self.time(query["createdTo"], "createdTo")
        filter.search = try Self.text(query["q"], "q", upTo: 200)
        filter.skill = try Self.text(query["skill"], "skill", upTo: SkillList.maximumLength)
        if let text = query["sort"] {
            guard let sort = TaskSort(String(text)) else {
                throw APIError.invalid("sort", "sort must be one of \(TaskSort.spellings.joined(separator: ", "))")
            }
            filter.sort = sort
        }
        let page = try request.integer("page", default: 0, in: 0...100_000)
        let size = try request.integer("size", default: 20, in: 1...100)
        let (items, total) = try await tasks.list(filter, page: page, size: size)
        return TaskPage(items: items.map(\.body), page: page, size: size, total: total)
    }

    /// `GET /api/admin/tasks/workload?limit=`: who holds what, and since when.
    @Sendable func workload(request: Request, context: ServiceRequestContext) async throws -> Documented.Workload {
        let limit = try request.integer("limit", default: 1_000, in: 1...5_000)
        let (held, total) = try await tasks.held(limit: limit)
        return Documented.Workload(
            holders: HeldTask.byHolder(held).map { .init(employeeId: $0.employee.uuidString, tasks: $0.tasks.map(\.body)) },
            total: total, truncated: total > held.count
        )
    }

    /// A free-text parameter: nil when absent or only white space, trimmed, at most `limit`
    /// characters, no NUL (PostgreSQL's text cannot hold one).
    static func text(_ text: Substring?, _ name: String, upTo limit: Int) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        guard String(text).schemaLength <= limit, !trimmed.contains("\u{0}") else {
            throw APIError.invalid(name, "\(name) must be at most \(limit) characters, without NUL")
        }
        return trimmed
    }

    static func time(_ text: Substring?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        guard let date = try? Date(String(text), strategy: .iso8601) else {
            throw APIError.invalid(name, "\(name) must be an RFC 3339 time")
        }
        return date
    }

    @Sendable func detail(request: Request, context: ServiceRequestContext) async throws -> TaskDetail {
        let id = try TaskRoutes.uuid(context, "id")
        guard let task = try await tasks.find(id) else { throw APIError.notFound("task") }
        let comments = try await tasks.comments(of: id)
        let audit = try await tasks.auditTrail(of: id)
        return TaskDetail(value1: task.body, value2: .init(audit: audit.map(\.body), comments: comments.map(\.body)))
    }

    @Sendable func assign(request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Documented.Accepted> {
        let admin = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        let employee = try TaskRoutes.uuid(context, "employeeId")
        guard let task = try await tasks.find(id) else { throw APIError.notFound("task") }
        guard task.status == .pending else {
            throw APIError.conflict(
                "only a PENDING task can be assigned", details: ["status": task.status.rawValue, "version": String(task.version)])
        }
        let events = TaskEvents(correlationId: UUID.random())
        try await tasks.publish([
            try events.envelope(AssignmentRequested(taskId: id, employeeId: employee, requestedBy: admin.userId, version: task.version))
        ])
        return EditedResponse(status: .accepted, response: Documented.Accepted("the scheduler will offer the task to the employee"))
    }

    @Sendable func retry(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let admin = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        return try await TaskRoutes.run { try await retry(id, by: admin.userId, events: TaskEvents(correlationId: UUID.random())) }.body
    }

    /// Cancels an open task, with an optional `{"reason"}` its assignee is shown.
    @Sendable func cancel(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let admin = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        let reason = try TaskRoutes.reason(try await request.decodeOptionalJSON(as: Documented.Reason.self))
        return try await TaskRoutes.run {
            try await cancel(id, by: admin.userId, reason: reason, events: TaskEvents(correlationId: UUID.random()))
        }.body
    }

    /// Takes an offered or in-progress task back from its assignee, with an optional `{"reason"}`
    /// they are shown: PENDING again, and kept from them as a declined task is.
    @Sendable func unassign(request: Request, context: ServiceRequestContext) async throws -> Documented.Task {
        let admin = try context.requireIdentity()
        let id = try TaskRoutes.uuid(context, "id")
        let reason = try TaskRoutes.reason(try await request.decodeOptionalJSON(as: Documented.Reason.self))
        let events = TaskEvents(correlationId: UUID.random())
        // Taken from them on purpose: not straight back to them even when nobody else can take it.
        let avoidUntil = Date.nowToTheMillisecond.addingTimeInterval(settings.declineHold.seconds)
        return try await TaskRoutes.run {
            try await tasks.transition(
                id, .requeue(.adminUnassign), actor: admin.userId, reason: reason ?? "taken back by an admin", expectedVersion: nil,
                comment: nil, authorize: { _ in }
            ) { change in
                try events.unassigned(change, reason: reason, avoidUntil: avoidUntil)
            }.after.body
        }
    }

    /// A FAILED task back to the queue with a fresh set of attempts (one task's route and bulk).
    func retry(_ id: UUID, by admin: UUID, events: TaskEvents) async throws -> TaskRecord {
        try await tasks.transition(
            id, .retry, actor: admin, reason: "admin retry", expectedVersion: nil, comment: nil, authorize: { _ in }
        ) { change in
            try events.requeued(change, reason: .adminRetry)
        }.after
    }

    /// An open task ended by an admin (one task's route and bulk).
    func cancel(_ id: UUID, by admin: UUID, reason: String?, events: TaskEvents) async throws -> TaskRecord {
        try await tasks.transition(
            id, .cancel, actor: admin, reason: reason ?? "cancelled by an admin", expectedVersion: nil, comment: nil,
            authorize: { _ in }
        ) { change in
            try events.cancelled(change, by: admin, reason: reason)
        }.after
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
}
