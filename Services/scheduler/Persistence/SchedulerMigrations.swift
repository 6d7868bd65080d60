import Persistence

/// The scheduler schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's outbox and inbox). Append-only.
enum SchedulerMigrations {
    static let all: [Migration] = []
}
