import Persistence

/// The tables every service needs to take part in the backbone, in its own schema:
///
/// - `outbox`: events written in the same transaction as the change that caused them, relayed
///   to the broker in order and deleted once confirmed. (At first a statement trigger NOTIFYed the
///   relay on commit and published rows were kept an hour; ``wokenInProcess(schema:version:)``
///   removes both.)
/// - `inbox`: the message ids each queue has handled, written in the handler's transaction, so a
///   redelivered message is recognised and skipped.
public enum BackboneMigrations {
    public static func outboxAndInbox(schema: String, version: Int) -> Migration {
        Migration(version: version, name: "outbox and inbox", statements: [
            """
            CREATE TABLE \(schema).outbox (
                position bigserial PRIMARY KEY,
                event_id uuid NOT NULL UNIQUE,
                event_type text NOT NULL,
                body text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT now(),
                published_at timestamptz)
            """,
            "CREATE INDEX outbox_pending ON \(schema).outbox (position) WHERE published_at IS NULL",
            """
            CREATE FUNCTION \(schema).outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('\(Outbox.channel(schema))', '');
                RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER outbox_notify AFTER INSERT ON \(schema).outbox
            FOR EACH STATEMENT EXECUTE FUNCTION \(schema).outbox_notify()
            """,
            """
            CREATE TABLE \(schema).inbox (
                queue text NOT NULL,
                message_id uuid NOT NULL,
                handled_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (queue, message_id))
            """,
            "CREATE INDEX inbox_handled_at ON \(schema).inbox (handled_at)",
        ])
    }

    /// The outbox without its NOTIFY trigger: PostgreSQL serialises the commits of transactions
    /// that NOTIFY, and the relay is now woken in-process after the commit (`Outbox.written`).
    /// Published rows are no longer kept, so those left from before go.
    public static func wokenInProcess(schema: String, version: Int) -> Migration {
        Migration(version: version, name: "outbox relay woken in-process", statements: [
            "DROP TRIGGER outbox_notify ON \(schema).outbox",
            "DROP FUNCTION \(schema).outbox_notify()",
            "DELETE FROM \(schema).outbox WHERE published_at IS NOT NULL",
        ])
    }
}
