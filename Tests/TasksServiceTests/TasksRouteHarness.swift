import EventBackbone
import EventContracts
import Foundation
import RouteTesting
import ServiceRuntime

@testable import TasksService

/// The tasks service's routes over an in-memory store, with an admin and two employees.
struct TasksRouteHarness {
    let store = InMemoryTaskStore()
    let admin = RouteTesting.caller(.admin)
    let employee = RouteTesting.caller(.employee)
    let colleague = RouteTesting.caller(.employee)
    let settings: TaskSettings

    init(environment: [String: String] = [:]) throws {
        settings = try TaskSettings(EnvironmentReader(environment))
    }

    func run(_ test: @escaping @Sendable (RouteClient) async throws -> Void) async throws {
        let router = ServiceLauncher.router(for: "tasks")
        TasksService.addRoutes(to: router, tasks: store, settings: settings, signer: RouteTesting.signer)
        try await RouteTesting.test(router, test)
    }

    /// A task in `status`, held by `assignee` when the status has one, at version 3.
    @discardableResult
    func task(
        _ status: TaskStatus = .pending, assignee: Caller? = nil, attempt: Int = 1, maxAttempts: Int = 3, priority: Int = 3,
        createdAt: Date = .nowToTheMillisecond, dueAt: Date? = nil
    ) -> TaskRecord {
        let task = TaskRecord(
            id: UUID(), name: "Check invoice \(UUID().uuidString.prefix(4))", description: "", priority: priority, requiredSkills: [],
            status: status, assigneeId: assignee?.id, reservationId: status == .assigned ? UUID() : nil, attempt: attempt,
            maxAttempts: maxAttempts, progress: 0, flagged: false, dueAt: dueAt, offerExpiresAt: nil, version: 3, createdBy: admin.id,
            createdAt: createdAt, updatedAt: createdAt
        )
        store.put(task)
        return task
    }

    /// The types of the events stored since `count` were.
    func published(after count: Int = 0) -> [String] {
        store.published.dropFirst(count).map(\.type)
    }

    /// The last stored event of `type`, decoded.
    func last<Payload: EventPayload>(_ type: Payload.Type) throws -> Payload? {
        guard let event = store.published.last(where: { $0.type == Payload.eventType }) else { return nil }
        return try EventCoding.decode(Payload.self, from: Array(event.body.utf8)).data
    }
}
