import Persistence

/// The scheduler schema's migrations after version 1 (the schema itself). Append-only.
enum SchedulerMigrations {
    static let all: [Migration] = []
}
