import Persistence

/// The notifier schema's migrations after version 1 (the schema itself). Append-only.
enum NotifierMigrations {
    static let all: [Migration] = []
}
