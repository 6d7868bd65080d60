import EventContracts
import Foundation
import Hummingbird
import SchedulerAPI
import ServiceRuntime

/// `/api/scheduler/…`: the live queue and the employees as the scheduler sees them (admins), and
/// an employee's own availability.
struct SchedulerController<Views: SchedulerViews>: Sendable {
    let store: Views
    let settings: SchedulerSettings
    /// Starts an assignment round at once (an employee became available).
    let wake: @Sendable () -> Void

    func addRoutes(to router: Router<ServiceRequestContext>, admins: BearerTokenMiddleware, employees: BearerTokenMiddleware) {
        router.group("/api/scheduler/queue").add(middleware: admins).get(use: queue)
        router.group("/api/scheduler/employees").add(middleware: admins).get(use: employeeList)
        router.group("/api/scheduler/me").add(middleware: employees).get(use: myself)
        router.group("/api/scheduler/me/availability").add(middleware: employees).put(use: setAvailability)
    }

    /// Waiting tasks in the order they will be assigned.
    @Sendable func queue(request: Request, context: ServiceRequestContext) async throws -> Documented.Queue {
        let limit = try request.integer("limit", default: 100, in: 1...1_000)
        let now = Date()
        let policy = AssignmentPolicy(agingStep: settings.agingStep)
        let waiting = try await store.queueDetails(limit: nil)
        let team = try await store.employeeSummaries(only: nil).map { e in
            WaitReason.Employee(
                id: e.id, active: e.active, online: e.online, available: e.availability == .available, load: e.load,
                capacity: e.capacity, skills: Set(e.skills)
            )
        }
        let ordered = policy.order(waiting.map(\.task), at: now)
        let names = Dictionary(waiting.map { ($0.task.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let items = ordered.prefix(limit).map { task in
            Documented.QueueEntry(
                avoidEmployeeId: task.avoidEmployeeId?.uuidString, createdAt: task.createdAt,
                effectivePriority: policy.effectivePriority(of: task, at: now), name: names[task.id] ?? "",
                notBefore: TaskView.isAwaitingRequeue(task.notBefore) ? nil : task.notBefore, priority: task.priority,
                requiredSkills: task.requiredSkills.sorted(), taskId: task.id.uuidString, version: task.version,
                waitingFor: WaitReason.of(task, employees: team, at: now).body,
                waitingSeconds: (now.timeIntervalSince(task.createdAt) * 1_000).rounded() / 1_000
            )
        }
        return Documented.Queue(items: Array(items), total: waiting.count)
    }

    @Sendable func employeeList(request: Request, context: ServiceRequestContext) async throws -> Documented.EmployeeList {
        Documented.EmployeeList(items: try await store.employeeSummaries(only: nil).map(\.body))
    }

    /// `GET /api/scheduler/me`: the caller's own line of the employees list.
    @Sendable func myself(request: Request, context: ServiceRequestContext) async throws -> Documented.Employee {
        guard let me = try await store.employeeSummaries(only: try context.requireIdentity().userId).first else {
            throw APIError.notFound("employee")
        }
        return me.body
    }

    /// `PUT /api/scheduler/me/availability` `{"availability": "AVAILABLE"|"AWAY"}`.
    @Sendable func setAvailability(request: Request, context: ServiceRequestContext) async throws -> Documented.AvailabilityChange {
        let me = try context.requireIdentity().userId
        let availability = Availability(try await request.decodeJSON(as: Documented.AvailabilityRequest.self).availability)
        let changed = try await store.setAvailability(me, to: availability, reason: "employee", correlationId: UUID.random())
        if changed, availability == .available { wake() }
        return Documented.AvailabilityChange(availability: availability.body, changed: changed, employeeId: me.uuidString)
    }
}
