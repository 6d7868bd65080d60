import Persistence

/// The analytics schema's migrations after version 1 (the schema itself). Append-only.
enum AnalyticsMigrations {
    static let all: [Migration] = []
}
