import EventBackbone
import Persistence

/// The tasks schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's outbox
/// and inbox). Append-only.
enum TasksMigrations {
    static let all: [Migration] = [
        Migration(
            version: 3, name: "tasks, comments, audit trail, idempotency keys",
            statements: [
                """
                CREATE TABLE tasks.tasks (
                    id uuid PRIMARY KEY,
                    name text NOT NULL,
                    description text NOT NULL,
                    priority integer NOT NULL CHECK (priority BETWEEN 1 AND 5),
                    required_skills text[] NOT NULL DEFAULT '{}',
                    status text NOT NULL CHECK (status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')),
                    assignee_id uuid,
                    reservation_id uuid,
                    attempt integer NOT NULL,
                    max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 20),
                    progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
                    flagged boolean NOT NULL DEFAULT false,
                    due_at timestamptz,
                    overdue_published boolean NOT NULL DEFAULT false,
                    created_by uuid NOT NULL,
                    created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    assigned_at timestamptz,
                    accepted_at timestamptz,
                    completed_at timestamptz,
                    failed_at timestamptz,
                    cancelled_at timestamptz,
                    version integer NOT NULL)
                """,
                "CREATE INDEX tasks_created ON tasks.tasks (created_at DESC, id)",
                "CREATE INDEX tasks_status ON tasks.tasks (status, priority, created_at)",
                "CREATE INDEX tasks_assignee ON tasks.tasks (assignee_id, status)",
                "CREATE INDEX tasks_due ON tasks.tasks (due_at) WHERE NOT overdue_published AND due_at IS NOT NULL",
                """
                CREATE TABLE tasks.comments (
                    id uuid PRIMARY KEY,
                    task_id uuid NOT NULL REFERENCES tasks.tasks (id),
                    author_id uuid NOT NULL,
                    message text NOT NULL,
                    created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX comments_task ON tasks.comments (task_id, created_at)",
                """
                CREATE TABLE tasks.audit (
                    id bigserial PRIMARY KEY,
                    task_id uuid NOT NULL REFERENCES tasks.tasks (id),
                    actor_id uuid,
                    action text NOT NULL,
                    from_status text,
                    to_status text NOT NULL,
                    reason text,
                    at timestamptz NOT NULL DEFAULT now())
                """,
                "CREATE INDEX audit_task ON tasks.audit (task_id, id)",
                """
                CREATE TABLE tasks.idempotency_keys (
                    created_by uuid NOT NULL,
                    key text NOT NULL,
                    request_hash text NOT NULL,
                    task_id uuid NOT NULL REFERENCES tasks.tasks (id),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (created_by, key))
                """,
            ]),
        Migration(
            version: 4, name: "millisecond times",
            statements: [
                // Times travel as RFC 3339 with milliseconds; a Date and its text can differ in the last
                // bit, so stored times and the bounds compared with them are both rounded to the ms.
                """
                CREATE FUNCTION tasks.to_ms(timestamptz) RETURNS timestamptz IMMUTABLE LANGUAGE sql
                AS $$ SELECT date_trunc('milliseconds', $1 + interval '500 microseconds') $$
                """
            ]),
        Migration(
            version: 5, name: "when an offer lapses",
            statements: [
                "ALTER TABLE tasks.tasks ADD COLUMN offer_expires_at timestamptz"
            ]),
        Migration(
            version: 6, name: "whose attempt an audit row concerns",
            statements: [
                // The employee the transition concerned: offered to, declined or accepted by, ended
                // for. What an employee's history lists (failed attempts that were retried included).
                "ALTER TABLE tasks.audit ADD COLUMN assignee_id uuid",
                "UPDATE tasks.audit SET assignee_id = actor_id WHERE action IN ('accept', 'progress', 'complete', 'fail')",
                """
                UPDATE tasks.audit a SET assignee_id = t.assignee_id FROM tasks.tasks t
                WHERE a.task_id = t.id AND a.action = 'cancel'
                """,
                "CREATE INDEX audit_finished ON tasks.audit (assignee_id, id) WHERE action IN ('complete', 'fail', 'cancel')",
            ]),
        BackboneMigrations.wokenInProcess(schema: "tasks", version: 7),
        Migration(
            version: 8, name: "millisecond rounding inlined",
            statements: [
                // Declared IMMUTABLE over a STABLE body (date_trunc on a timestamptz), the function was
                // never inlined: every call ran as a statement of its own, seven per task lifecycle
                // (pg_stat_statements). STABLE, PostgreSQL folds it into the calling statement.
                """
                CREATE OR REPLACE FUNCTION tasks.to_ms(timestamptz) RETURNS timestamptz STABLE LANGUAGE sql
                AS $$ SELECT date_trunc('milliseconds', $1 + interval '500 microseconds') $$
                """
            ]),
        BackboneMigrations.leanIndexes(schema: "tasks", version: 9),
        // The admin's search: the words of each task's name, written once when the task is made
        // (names do not change), in a table of their own so that no transition of the task —
        // every one a new row version of tasks.tasks — touches the search index (docs/tasks.md).
        Migration(
            version: 10, name: "the words of task names, for search",
            statements: [
                "CREATE TABLE tasks.task_words (id uuid PRIMARY KEY, words tsvector NOT NULL)",
                "INSERT INTO tasks.task_words SELECT id, to_tsvector('simple', name) FROM tasks.tasks",
                "CREATE INDEX task_words_words ON tasks.task_words USING gin (words)",
            ]),
        // The sweep for due dates read every task that ever had one and was not reported overdue —
        // finished ones too, for ever (40 ms every two seconds at 100,000 tasks). Only open tasks
        // are indexed now; a task leaves the index when it ends.
        Migration(
            version: 11, name: "only open tasks in the due-date index",
            statements: [
                "DROP INDEX tasks.tasks_due",
                """
                CREATE INDEX tasks_due ON tasks.tasks (due_at)
                WHERE NOT overdue_published AND due_at IS NOT NULL AND status IN ('PENDING', 'ASSIGNED', 'IN_PROGRESS')
                """,
            ]),
        // A search in the default order pages and counts its matches in `task_words` alone: a
        // word in a fifth of 100,000 names took ~100 ms fetching its 20,000 tasks one by one.
        Migration(
            version: 12, name: "the creation time beside a task's words, for a search's order",
            statements: [
                "ALTER TABLE tasks.task_words ADD COLUMN created_at timestamptz",
                "UPDATE tasks.task_words w SET created_at = t.created_at FROM tasks.tasks t WHERE t.id = w.id",
                "ALTER TABLE tasks.task_words ALTER COLUMN created_at SET NOT NULL",
            ]),
        // Every audit row, comment and idempotency key is written by the statement that writes
        // its task (a creation's or a transition's CTE, or a comment's transaction after reading
        // the task), and tasks are never deleted: the references could not fail, yet each checked
        // row was a locking read of the task and a queued trigger, seven per lifecycle
        // (pg_stat_statements; docs/benchmarks.md, "thirteenth session").
        Migration(
            version: 13, name: "no reference checks on rows written beside their task",
            statements: [
                "ALTER TABLE tasks.audit DROP CONSTRAINT audit_task_id_fkey",
                "ALTER TABLE tasks.comments DROP CONSTRAINT comments_task_id_fkey",
                "ALTER TABLE tasks.idempotency_keys DROP CONSTRAINT idempotency_keys_task_id_fkey",
            ]),
        BackboneMigrations.deadLetters(schema: "tasks", version: 14),
        BackboneMigrations.outboxTraceContext(schema: "tasks", version: 15),
        // The words of a name are made by TaskSearch now, not by PostgreSQL's parser, which read
        // "task-2e383ad" as a number and a word. The names already stored are split here on ASCII
        // punctuation and spaces, lower-casing ASCII: TaskSearch's rule for every name in ASCII
        // (a name with a capital or a punctuation mark beyond ASCII keeps it until written again).
        Migration(
            version: 16, name: "the words of task names as the service splits them",
            statements: [
                """
                UPDATE tasks.task_words w
                SET words = array_to_tsvector(array_remove(
                    regexp_split_to_array(lower(t.name), '[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f]+'), ''))
                FROM tasks.tasks t WHERE t.id = w.id
                """
            ]),
        BackboneMigrations.tokenCutoffs(schema: "tasks", version: 17),
    ]
}
