import EventBackbone
import EventContracts
import Foundation
import PostgresNIO

/// Every event analytics counts, into its store; after each commit the publisher learns that
/// the figures may have changed.
struct AnalyticsEventHandlers: Sendable {
    let store: AnalyticsStore
    let publisher: FiguresPublisher

    var handlers: EventHandlers {
        var handlers = EventHandlers()
        handlers.on(UserRegistered.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(UserUpdated.self) { event, connection in try await store.profile(event.data, at: event.occurredAt, on: connection) }
        handlers.on(TaskCreated.self) { event, connection in
            try await store.taskEvent(
                event, taskId: event.data.taskId, version: event.data.version, assigneeId: nil, created: event.data, on: connection
            )
        }
        handlers.on(TaskAssigned.self) { event, connection in
            try await store.taskEvent(event, taskId: event.data.taskId, version: event.data.version, assigneeId: event.data.assigneeId, on: connection)
        }
        handlers.on(TaskAccepted.self) { event, connection in
            try await store.taskEvent(event, taskId: event.data.taskId, version: event.data.version, assigneeId: event.data.assigneeId, on: connection)
        }
        handlers.on(TaskProgressed.self) { event, connection in
            try await store.taskEvent(event, taskId: event.data.taskId, version: event.data.version, assigneeId: event.data.assigneeId, on: connection)
        }
        handlers.on(TaskCompleted.self) { event, connection in
            try await store.taskEvent(event, taskId: event.data.taskId, version: event.data.version, assigneeId: event.data.assigneeId, on: connection)
        }
        handlers.on(TaskFailed.self) { event, connection in
            let data = event.data
            try await store.taskEvent(
                event, taskId: data.taskId, version: data.version, assigneeId: data.assigneeId, willRetry: data.willRetry,
                detail: data.willRetry ? "retry" : "final", on: connection
            )
        }
        handlers.on(TaskRequeued.self) { event, connection in
            try await store.taskEvent(
                event, taskId: event.data.taskId, version: event.data.version, assigneeId: nil, detail: event.data.reason.rawValue,
                on: connection
            )
        }
        handlers.on(TaskCancelled.self) { event, connection in
            try await store.taskEvent(event, taskId: event.data.taskId, version: event.data.version, assigneeId: event.data.assigneeId, on: connection)
        }
        handlers.on(TaskOverdue.self) { event, connection in
            try await store.taskEvent(
                event, taskId: event.data.taskId, version: event.data.version, assigneeId: event.data.assigneeId, overdue: true,
                on: connection
            )
        }
        let publisher = publisher
        handlers.afterCommit = { publisher.figuresMayHaveChanged() }
        return handlers
    }
}
