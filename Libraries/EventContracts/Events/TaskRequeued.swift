import Foundation

/// `task.requeued`: The task is PENDING again; not to be assigned before `notBefore`, preferably not to `avoidEmployeeId`.
public struct TaskRequeued: EventPayload {
    public static let eventType = "task.requeued"
    public static let schemaVersion = 1

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var reason: RequeueReason
    public var avoidEmployeeId: UUID?
    public var notBefore: Date?

    public init(taskId: UUID, version: Int, assigneeId: UUID? = nil, reason: RequeueReason, avoidEmployeeId: UUID? = nil, notBefore: Date? = nil) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.reason = reason
        self.avoidEmployeeId = avoidEmployeeId
        self.notBefore = notBefore
    }
}
