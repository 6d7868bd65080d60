import Persistence

/// The analytics schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's outbox and inbox). Append-only.
enum AnalyticsMigrations {
    static let all: [Migration] = []
}
