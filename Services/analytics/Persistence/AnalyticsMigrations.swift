import EventBackbone
import Persistence

/// The analytics schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's
/// outbox and inbox). Append-only. Everything here is built from events.
enum AnalyticsMigrations {
    static let all: [Migration] = [
        Migration(
            version: 3, name: "employees, tasks and facts",
            statements: [
                """
                CREATE TABLE analytics.employees (
                    id uuid PRIMARY KEY,
                    username text NOT NULL,
                    is_employee boolean NOT NULL,
                    active boolean NOT NULL,
                    capacity integer NOT NULL,
                    profile_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE analytics.tasks (
                    id uuid PRIMARY KEY,
                    known boolean NOT NULL DEFAULT false,
                    priority integer,
                    created_at timestamptz,
                    due_at timestamptz,
                    status text NOT NULL,
                    version integer NOT NULL,
                    last_event text NOT NULL,
                    assignee_id uuid,
                    first_assigned_at timestamptz,
                    assigned_at timestamptz,
                    accepted_at timestamptz,
                    completed_at timestamptz,
                    failed_at timestamptz,
                    overdue boolean NOT NULL DEFAULT false)
                """,
                "CREATE INDEX tasks_open ON analytics.tasks (status, created_at)",
                "CREATE INDEX tasks_completed ON analytics.tasks (completed_at) WHERE completed_at IS NOT NULL",
                "CREATE INDEX tasks_assignee ON analytics.tasks (assignee_id, status)",
                """
                CREATE TABLE analytics.facts (
                    event_id uuid PRIMARY KEY,
                    type text NOT NULL,
                    task_id uuid,
                    employee_id uuid,
                    detail text,
                    at timestamptz NOT NULL)
                """,
                "CREATE INDEX facts_at ON analytics.facts (at, type)",
                "CREATE INDEX facts_employee ON analytics.facts (employee_id, at)",
            ]),
        BackboneMigrations.wokenInProcess(schema: "analytics", version: 4),
        // The figures count tasks by status every second; counting the table grew with every task
        // ever made (8 ms at 27,000 tasks, linear). The counts now change with the rows, in the
        // statement that changes them, whoever writes them; the table is locked while they are
        // first counted, so no write falls between the count and the triggers.
        Migration(
            version: 5, name: "tasks by status counted as they change",
            statements: [
                "CREATE TABLE analytics.status_counts (status text PRIMARY KEY, tasks bigint NOT NULL)",
                "LOCK TABLE analytics.tasks IN SHARE ROW EXCLUSIVE MODE",
                "INSERT INTO analytics.status_counts SELECT status, count(*) FROM analytics.tasks WHERE known GROUP BY status",
                """
                CREATE FUNCTION analytics.count_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    -- The counts' one lock, before any of their rows: two writers (a statement fires
                    -- its insert and its update triggers one after the other) never deadlock on them.
                    PERFORM pg_advisory_xact_lock(hashtext('analytics.status_counts'));
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO analytics.status_counts AS c (status, tasks)
                        SELECT status, count(*) FROM new_rows WHERE known GROUP BY status
                        ON CONFLICT (status) DO UPDATE SET tasks = c.tasks + excluded.tasks;
                    ELSIF TG_OP = 'UPDATE' THEN
                        INSERT INTO analytics.status_counts AS c (status, tasks)
                        SELECT status, sum(change) FROM (
                            SELECT status, 1 AS change FROM new_rows WHERE known
                            UNION ALL
                            SELECT status, -1 FROM old_rows WHERE known
                        ) AS changes
                        GROUP BY status HAVING sum(change) <> 0
                        ON CONFLICT (status) DO UPDATE SET tasks = c.tasks + excluded.tasks;
                    ELSE
                        INSERT INTO analytics.status_counts AS c (status, tasks)
                        SELECT status, -count(*) FROM old_rows WHERE known GROUP BY status
                        ON CONFLICT (status) DO UPDATE SET tasks = c.tasks + excluded.tasks;
                    END IF;
                    RETURN NULL;
                END $$
                """,
                """
                CREATE TRIGGER tasks_counted_insert AFTER INSERT ON analytics.tasks REFERENCING NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION analytics.count_statuses()
                """,
                """
                CREATE TRIGGER tasks_counted_update AFTER UPDATE ON analytics.tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                FOR EACH STATEMENT EXECUTE FUNCTION analytics.count_statuses()
                """,
                """
                CREATE TRIGGER tasks_counted_delete AFTER DELETE ON analytics.tasks REFERENCING OLD TABLE AS old_rows
                FOR EACH STATEMENT EXECUTE FUNCTION analytics.count_statuses()
                """,
            ]),
        BackboneMigrations.leanIndexes(schema: "analytics", version: 6),
        // Priority and due time come from the creation or a later edit (`task.edited`),
        // whichever has the higher version.
        Migration(
            version: 7, name: "the version of a task's priority and due time",
            statements: [
                "ALTER TABLE analytics.tasks ADD COLUMN details_version integer NOT NULL DEFAULT 0",
                "UPDATE analytics.tasks SET details_version = 1 WHERE known",
            ]),
        // The figures break down by skill; a task's skills come like its priority (tasks known
        // before this migration have none: their creation was folded without them).
        Migration(
            version: 8, name: "a task's required skills",
            statements: [
                "ALTER TABLE analytics.tasks ADD COLUMN required_skills text[] NOT NULL DEFAULT '{}'"
            ]),
        BackboneMigrations.deadLetters(schema: "analytics", version: 9),
        BackboneMigrations.outboxTraceContext(schema: "analytics", version: 10),
        BackboneMigrations.tokenCutoffs(schema: "analytics", version: 11),
    ]
}
