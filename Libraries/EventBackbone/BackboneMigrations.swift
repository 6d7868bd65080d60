import Persistence

/// The tables every service needs to take part in the backbone, in its own schema:
///
/// - `outbox`: events written in the same transaction as the change that caused them, relayed
///   to the broker in order and deleted once confirmed. (At first a statement trigger NOTIFYed the
///   relay on commit and published rows were kept an hour; ``wokenInProcess(schema:version:)``
///   removes both.)
/// - `inbox`: the message ids each queue has handled, written in the handler's transaction, so a
///   redelivered message is recognised and skipped.
///
/// Every index on these tables is paid for by every event (the outbox) or every delivery (the
/// inbox); ``leanIndexes(schema:version:)`` keeps only what a query needs.
public enum BackboneMigrations {
    public static func outboxAndInbox(schema: String, version: Int) -> Migration {
        Migration(
            version: version, name: "outbox and inbox",
            statements: [
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
        Migration(
            version: version, name: "outbox relay woken in-process",
            statements: [
                "DROP TRIGGER outbox_notify ON \(schema).outbox",
                "DROP FUNCTION \(schema).outbox_notify()",
                "DELETE FROM \(schema).outbox WHERE published_at IS NOT NULL",
            ])
    }

    /// Only the indexes a query uses. A lifecycle writes ~6 outbox rows and ~15 inbox rows, and
    /// each index is one more insertion per row (a random one, for a uuid key):
    ///
    /// - the outbox's `pending` index duplicated its primary key once published rows were deleted
    ///   rather than marked, so it and `published_at` go; the relay reads by `position`;
    /// - the outbox's unique `event_id` was never looked up: ids are random (`UUID.random`) and
    ///   consumers deduplicate by them in their inboxes;
    /// - the inbox's `handled_at`, read only by the age prune, becomes a BRIN index: rows arrive in
    ///   time order, and inserting into an unsummarised block range costs nothing.
    public static func leanIndexes(schema: String, version: Int) -> Migration {
        Migration(
            version: version, name: "only the outbox and inbox indexes a query uses",
            statements: [
                "DROP INDEX \(schema).outbox_pending",
                "ALTER TABLE \(schema).outbox DROP COLUMN published_at",
                "ALTER TABLE \(schema).outbox DROP CONSTRAINT outbox_event_id_key",
                "DROP INDEX \(schema).inbox_handled_at",
                "CREATE INDEX inbox_handled_at ON \(schema).inbox USING brin (handled_at)",
            ])
    }

    /// Dead letters kept where an admin can list, read, replay and discard them (docs/events.md,
    /// "Dead letters"): each consumer moves what reaches its `<queue>.dead` here. One row per
    /// message and queue; a message dead-lettered again (replayed too soon) updates its row.
    public static func deadLetters(schema: String, version: Int) -> Migration {
        Migration(
            version: version, name: "dead letters kept in the service's own table",
            statements: [
                """
                CREATE TABLE \(schema).dead_letters (
                    id bigserial PRIMARY KEY,
                    queue text NOT NULL,
                    message_id text NOT NULL,
                    event_type text NOT NULL,
                    routing_key text NOT NULL,
                    error text NOT NULL,
                    attempts integer NOT NULL,
                    times integer NOT NULL DEFAULT 1,
                    headers jsonb NOT NULL,
                    body bytea NOT NULL,
                    first_dead_at timestamptz NOT NULL DEFAULT now(),
                    last_dead_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (queue, message_id))
                """
            ])
    }

    /// Each user's cut-off (docs/auth.md, "Revocation"): their tokens issued before it are refused.
    /// The auth service writes it with the change; the others from `user.updated`.
    public static func tokenCutoffs(schema: String, version: Int) -> Migration {
        Migration(
            version: version, name: "each user's token cut-off",
            statements: [
                "CREATE TABLE \(schema).token_cutoffs (user_id uuid PRIMARY KEY, valid_from timestamptz NOT NULL)"
            ])
    }

    /// Each outbox row keeps the W3C trace context of the work that wrote it, which the relay
    /// puts in the message's `traceparent` header (docs/operations.md, "Following a request").
    public static func outboxTraceContext(schema: String, version: Int) -> Migration {
        Migration(
            version: version, name: "trace context in the outbox",
            statements: ["ALTER TABLE \(schema).outbox ADD COLUMN traceparent text"]
        )
    }
}
