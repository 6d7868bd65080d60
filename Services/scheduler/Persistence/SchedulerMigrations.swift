import EventBackbone
import Persistence

/// The scheduler schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's
/// outbox and inbox). Append-only. Everything here is a read model built from events.
enum SchedulerMigrations {
    static let all: [Migration] = [
        Migration(
            version: 3, name: "employees and tasks as the scheduler sees them",
            statements: [
                """
                CREATE TABLE scheduler.employees (
                    id uuid PRIMARY KEY,
                    username text NOT NULL DEFAULT '',
                    full_name text NOT NULL DEFAULT '',
                    is_employee boolean NOT NULL DEFAULT false,
                    active boolean NOT NULL DEFAULT false,
                    skills text[] NOT NULL DEFAULT '{}',
                    capacity integer NOT NULL DEFAULT 1 CHECK (capacity >= 0),
                    profile_at timestamptz,
                    online boolean NOT NULL DEFAULT false,
                    presence_at timestamptz,
                    offline_since timestamptz,
                    gone_announced boolean NOT NULL DEFAULT false,
                    availability text NOT NULL DEFAULT 'AVAILABLE' CHECK (availability IN ('AVAILABLE', 'AWAY')),
                    availability_at timestamptz NOT NULL DEFAULT now(),
                    last_assigned_at timestamptz)
                """,
                "CREATE INDEX employees_offline ON scheduler.employees (offline_since) WHERE NOT online AND NOT gone_announced",
                """
                CREATE TABLE scheduler.tasks (
                    id uuid PRIMARY KEY,
                    known boolean NOT NULL DEFAULT false,
                    name text NOT NULL DEFAULT '',
                    priority integer NOT NULL DEFAULT 5,
                    required_skills text[] NOT NULL DEFAULT '{}',
                    created_at timestamptz NOT NULL DEFAULT now(),
                    stage text NOT NULL CHECK (stage IN ('PENDING', 'PROPOSED', 'ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'FAILED', 'CANCELLED')),
                    version integer NOT NULL,
                    last_event text NOT NULL,
                    assignee_id uuid,
                    reservation_id uuid,
                    reserved_at timestamptz,
                    expiry_sent boolean NOT NULL DEFAULT false,
                    avoid_employee_id uuid,
                    not_before timestamptz,
                    updated_at timestamptz NOT NULL DEFAULT now())
                """,
                "CREATE INDEX tasks_queue ON scheduler.tasks (priority, created_at) WHERE stage = 'PENDING' AND known",
                "CREATE INDEX tasks_held ON scheduler.tasks (assignee_id) WHERE stage IN ('PROPOSED', 'ASSIGNED', 'IN_PROGRESS')",
                "CREATE INDEX tasks_reserved ON scheduler.tasks (reserved_at) WHERE stage = 'ASSIGNED' AND NOT expiry_sent",
                "CREATE INDEX tasks_finished ON scheduler.tasks (updated_at) WHERE stage IN ('COMPLETED', 'FAILED', 'CANCELLED')",
            ]),
        Migration(
            version: 4, name: "declined offers and why an employee is away",
            statements: [
                "ALTER TABLE scheduler.tasks ADD COLUMN avoid_until timestamptz",
                "ALTER TABLE scheduler.employees ADD COLUMN availability_reason text",
            ]),
        BackboneMigrations.wokenInProcess(schema: "scheduler", version: 5),
        Migration(
            version: 6, name: "manual assignments held until the view is where the admin saw the task",
            statements: [
                "ALTER TABLE scheduler.tasks ADD COLUMN held_assignment jsonb"
            ]),
        // Every round reads who could take work; a team holds far more accounts than people at
        // work, and the read walked them all (951 rows for 100 online: 0.8 ms a round).
        Migration(
            version: 7, name: "the employees who could take work, indexed",
            statements: [
                """
                CREATE INDEX employees_ready ON scheduler.employees (id)
                WHERE is_employee AND active AND online AND availability = 'AVAILABLE'
                """
            ]),
        BackboneMigrations.leanIndexes(schema: "scheduler", version: 8),
        // An admin's edit sets priority and skills; a creation that reaches the view after it
        // (a redelivery) must not set them back.
        Migration(
            version: 9, name: "the version of the last edit of a task's details",
            statements: [
                "ALTER TABLE scheduler.tasks ADD COLUMN edited_version integer NOT NULL DEFAULT 0"
            ]),
        BackboneMigrations.deadLetters(schema: "scheduler", version: 10),
        BackboneMigrations.outboxTraceContext(schema: "scheduler", version: 11),
        // A task's proposals continue the trace of the request that created it
        // (docs/operations.md, "Following a request").
        Migration(
            version: 12, name: "the trace context of each waiting task",
            statements: ["ALTER TABLE scheduler.tasks ADD COLUMN traceparent text"]
        ),
        BackboneMigrations.tokenCutoffs(schema: "scheduler", version: 13),
        // A round's proposals count the employees' loads in the statement that locks their rows;
        // every proposal bumps this count in its own transaction, so that statement can tell one
        // committed after its snapshot (docs/scheduling.md, step 4).
        Migration(
            version: 14, name: "a count of the proposals made to each employee",
            statements: ["ALTER TABLE scheduler.employees ADD COLUMN proposals_made bigint NOT NULL DEFAULT 0"]
        ),
    ]
}
