import EventContracts
import Foundation
import Hummingbird
import ServiceRuntime

/// `/api/scheduler/…`: the live queue and the employees as the scheduler sees them (admins), and
/// an employee's own availability.
struct SchedulerController: Sendable {
    let store: SchedulerStore
    let settings: SchedulerSettings
    let assigner: Assigner

    func addRoutes(to router: Router<ServiceRequestContext>, admins: BearerTokenMiddleware, employees: BearerTokenMiddleware) {
        router.group("/api/scheduler/queue").add(middleware: admins).get(use: queue)
        router.group("/api/scheduler/employees").add(middleware: admins).get(use: employeeList)
        router.group("/api/scheduler/me").add(middleware: employees).get(use: myself)
        router.group("/api/scheduler/me/availability").add(middleware: employees).put(use: setAvailability)
    }

    struct QueueEntry: Codable, Sendable {
        var taskId: UUID
        var name: String
        var priority: Int
        var effectivePriority: Int
        var requiredSkills: [String]
        var createdAt: Date
        var waitingSeconds: Double
        var notBefore: Date?
        var avoidEmployeeId: UUID?
        var version: Int
        /// Why it has not been offered yet (`code`, and `text` for people).
        var waitingFor: WaitReason
    }

    struct Queue: ResponseEncodable {
        var items: [QueueEntry]
        var total: Int
    }

    /// Waiting tasks in the order they will be assigned.
    @Sendable func queue(request: Request, context: ServiceRequestContext) async throws -> Queue {
        let limit = try request.integer("limit", default: 100, in: 1...1_000)
        let now = Date()
        let policy = AssignmentPolicy(agingStep: settings.agingStep)
        let waiting = try await store.queueDetails()
        let team = try await store.employeeSummaries().map { e in
            WaitReason.Employee(
                id: e.id, active: e.active, online: e.online, available: e.availability == Availability.available.rawValue, load: e.load,
                capacity: e.capacity, skills: Set(e.skills)
            )
        }
        let ordered = policy.order(waiting.map(\.task), at: now)
        let names = Dictionary(waiting.map { ($0.task.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let items = ordered.prefix(limit).map { task in
            QueueEntry(
                taskId: task.id, name: names[task.id] ?? "", priority: task.priority, effectivePriority: policy.effectivePriority(of: task, at: now),
                requiredSkills: task.requiredSkills.sorted(), createdAt: task.createdAt,
                waitingSeconds: (now.timeIntervalSince(task.createdAt) * 1_000).rounded() / 1_000,
                notBefore: TaskView.isAwaitingRequeue(task.notBefore) ? nil : task.notBefore,
                avoidEmployeeId: task.avoidEmployeeId, version: task.version,
                waitingFor: WaitReason.of(task, employees: team, at: now)
            )
        }
        return Queue(items: Array(items), total: waiting.count)
    }

    struct Employees: ResponseEncodable {
        var items: [SchedulerStore.EmployeeSummary]
    }

    @Sendable func employeeList(request: Request, context: ServiceRequestContext) async throws -> Employees {
        Employees(items: try await store.employeeSummaries())
    }

    /// `GET /api/scheduler/me`: the caller's own line of the employees list.
    @Sendable func myself(request: Request, context: ServiceRequestContext) async throws -> SchedulerStore.EmployeeSummary {
        guard let me = try await store.employeeSummaries(only: try context.requireIdentity().userId).first else {
            throw APIError.notFound("employee")
        }
        return me
    }

    struct AvailabilityRequest: Decodable {
        var availability: String
    }

    struct AvailabilityResponse: ResponseEncodable {
        var employeeId: UUID
        var availability: String
        var changed: Bool
    }

    /// `PUT /api/scheduler/me/availability` `{"availability": "AVAILABLE"|"AWAY"}`.
    @Sendable func setAvailability(request: Request, context: ServiceRequestContext) async throws -> AvailabilityResponse {
        let me = try context.requireIdentity().userId
        let body = try await request.decodeJSON(as: AvailabilityRequest.self)
        guard let availability = Availability(rawValue: body.availability) else {
            throw APIError.invalid("availability", "availability must be AVAILABLE or AWAY")
        }
        let changed = try await store.client.transaction(logger: context.logger) { connection in
            try await store.setAvailability(me, to: availability, reason: "employee", correlationId: UUID.random(), on: connection)
        }
        if changed, availability == .available { assigner.wake() }
        return AvailabilityResponse(employeeId: me, availability: availability.rawValue, changed: changed)
    }
}

extension SchedulerStore.EmployeeSummary: ResponseEncodable {}
