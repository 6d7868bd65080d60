/// Which status a task event leaves the task in, and whether an event of `version` may change a
/// status set at `stored` by `storedEvent`: a newer version always may; the requeue that comes
/// with a retried fail carries the fail's version and is applied after it.
enum TaskStatusOrder {
    static func status(after eventType: String, willRetry: Bool = false) -> String? {
        switch eventType {
        case "task.created", "task.requeued": "PENDING"
        case "task.assigned": "ASSIGNED"
        case "task.accepted", "task.progressed": "IN_PROGRESS"
        case "task.completed": "COMPLETED"
        case "task.failed": willRetry ? "PENDING" : "FAILED"
        case "task.cancelled": "CANCELLED"
        default: nil
        }
    }

    static func applies(_ eventType: String, version: Int, over stored: Int, storedEvent: String) -> Bool {
        version > stored || (version == stored && storedEvent == "task.failed" && eventType == "task.requeued")
    }
}
