import EventBackbone
import Persistence

/// The notifier schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's
/// outbox and inbox). Append-only.
enum NotifierMigrations {
    static let all: [Migration] = [
        Migration(
            version: 3, name: "notification log",
            statements: [
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
        // The wake-up names the newest row of the insert, so a hub that was handed those rows by
        // its own writer need not read them back; an insert of nothing wakes nobody.
        Migration(
            version: 5, name: "the log's wake-up names its newest row",
            statements: [
                """
                CREATE OR REPLACE FUNCTION notifier.notifications_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    newest bigint;
                BEGIN
                    SELECT max(cursor) INTO newest FROM new_rows;
                    IF newest IS NOT NULL THEN
                        PERFORM pg_notify('notifier_feed', newest::text);
                    END IF;
                    RETURN NULL;
                END $$
                """,
                "DROP TRIGGER notifications_notify ON notifier.notifications",
                """
                CREATE TRIGGER notifications_notify AFTER INSERT ON notifier.notifications REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION notifier.notifications_notify()
                """,
            ]),
        BackboneMigrations.leanIndexes(schema: "notifier", version: 6),
        // A lifecycle writes ~9 log rows (docs/benchmarks.md); each index is an insertion per row.
        // `stored_at` is read only by the age prune and rows arrive in time order: a BRIN index
        // (see `leanIndexes`). The unique (event_id, audience) only repeated what the inbox claim
        // in the same statement guarantees — an event's rows are written once, by the statement
        // that claims it first — at the price of a random insertion per row.
        Migration(
            version: 7, name: "only the log indexes a query uses",
            statements: [
                "DROP INDEX notifier.notifications_stored",
                "CREATE INDEX notifications_stored ON notifier.notifications USING brin (stored_at)",
                "ALTER TABLE notifier.notifications DROP CONSTRAINT notifications_event_id_audience_key",
            ]),
        BackboneMigrations.deadLetters(schema: "notifier", version: 8),
        BackboneMigrations.outboxTraceContext(schema: "notifier", version: 9),
        BackboneMigrations.tokenCutoffs(schema: "notifier", version: 10),
        // The writer's statement sends the wake-up itself, and only when another replica's feed
        // session listens (`NotificationLog.store`): the trigger woke every LISTENing session of
        // the database for every batch.
        Migration(
            version: 11, name: "the log's wake-up sent by its writer, only to other replicas",
            statements: [
                "DROP TRIGGER notifications_notify ON notifier.notifications",
                "DROP FUNCTION notifier.notifications_notify()",
            ]),
    ]
}
