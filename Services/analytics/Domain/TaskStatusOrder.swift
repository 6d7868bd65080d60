/// Which status a task event leaves the task in, and whether an event of `version` may change a
/// status set at `stored` by `storedEvent`: a newer version always may; the requeue that comes
/// with a retried fail carries the fail's version and is applied after it.
///
/// The order is a rank (`rank(of:version:)`): the version, and at one version a requeue above
/// anything else — which is the same as "after the fail" for every sequence the tasks service
/// publishes (a requeue shares its version only with the retried fail it follows). Being a total
/// order, the newest of a batch merged with the newest stored is the newest of all, in any order:
/// the store folds a batch in memory and merges it with the stored row in SQL by the same rank.
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

    static func rank(of eventType: String, version: Int) -> Int {
        version * 2 + (eventType == "task.requeued" ? 1 : 0)
    }

    /// `rank` in SQL, over a row's `version` and `last_event` columns (`row` is its alias).
    static func rankSQL(_ row: String) -> String {
        "(\(row).version * 2 + (\(row).last_event = 'task.requeued')::int)"
    }

    static func applies(_ eventType: String, version: Int, over stored: Int, storedEvent: String) -> Bool {
        rank(of: eventType, version: version) > rank(of: storedEvent, version: stored)
    }
}
