import Persistence

/// The auth schema's migrations after version 1 (the schema itself). Append-only.
enum AuthMigrations {
    static let all: [Migration] = []
}
