import Foundation

/// `task.requeued`: The task is PENDING again; not to be assigned before `notBefore`, preferably not to `avoidEmployeeId`
/// — and not to them at all before `avoidUntil` (a declined offer). `message` is the employee's reason for declining.
public struct TaskRequeued: EventPayload {
    public static let eventType = "task.requeued"
    public static let publisher = EventPublisher.tasks
    public static let schemaVersion = 1
    /// The employee whose task it was learns it left them.
    public var concernedEmployee: UUID? { avoidEmployeeId }

    public var taskId: UUID
    public var version: Int
    public var assigneeId: UUID?
    public var reason: RequeueReason
    public var avoidEmployeeId: UUID?
    public var notBefore: Date?
    public var avoidUntil: Date?
    public var message: String?

    public init(
        taskId: UUID, version: Int, assigneeId: UUID? = nil, reason: RequeueReason, avoidEmployeeId: UUID? = nil, notBefore: Date? = nil,
        avoidUntil: Date? = nil, message: String? = nil
    ) {
        self.taskId = taskId
        self.version = version
        self.assigneeId = assigneeId
        self.reason = reason
        self.avoidEmployeeId = avoidEmployeeId
        self.notBefore = notBefore
        self.avoidUntil = avoidUntil
        self.message = message
    }
}
