import Persistence

/// The tasks schema's migrations after version 1 (the schema itself). Append-only.
enum TasksMigrations {
    static let all: [Migration] = []
}
