import EventBackbone
import Persistence

/// The notifier schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's
/// outbox and inbox). Append-only.
enum NotifierMigrations {
    static let all: [Migration] = [
        Migration(version: 3, name: "notification log", statements: [
            """
            CREATE TABLE notifier.notifications (
                cursor bigserial PRIMARY KEY,
                event_id uuid NOT NULL,
                audience text NOT NULL,
                type text NOT NULL,
                occurred_at timestamptz NOT NULL,
                data text NOT NULL,
                stored_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (event_id, audience))
            """,
            "CREATE INDEX notifications_audience ON notifier.notifications (audience, cursor)",
            "CREATE INDEX notifications_stored ON notifier.notifications (stored_at)",
            """
            CREATE FUNCTION notifier.notifications_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('notifier_feed', '');
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER notifications_notify AFTER INSERT ON notifier.notifications
            FOR EACH STATEMENT EXECUTE FUNCTION notifier.notifications_notify()
            """,
        ]),
        BackboneMigrations.wokenInProcess(schema: "notifier", version: 4),
    ]
}
