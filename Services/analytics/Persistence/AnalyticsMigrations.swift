import EventBackbone
import Persistence

/// The analytics schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's
/// outbox and inbox). Append-only. Everything here is built from events.
enum AnalyticsMigrations {
    static let all: [Migration] = [
        Migration(version: 3, name: "employees, tasks and facts", statements: [
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
    ]
}
