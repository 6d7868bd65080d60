import EventBackbone
import Persistence

/// The auth schema's own migrations, numbered from 3 (1 is the schema, 2 the backbone's outbox
/// and inbox). Append-only.
enum AuthMigrations {
    static let all: [Migration] = [
        Migration(
            version: 3, name: "users and failed logins",
            statements: [
                """
                CREATE TABLE auth.users (
                    id uuid PRIMARY KEY,
                    username text NOT NULL,
                    full_name text NOT NULL,
                    email text NOT NULL,
                    role text NOT NULL CHECK (role IN ('ADMIN', 'EMPLOYEE')),
                    skills text[] NOT NULL DEFAULT '{}',
                    capacity integer NOT NULL DEFAULT 1 CHECK (capacity BETWEEN 1 AND 50),
                    active boolean NOT NULL DEFAULT true,
                    password_hash text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    updated_at timestamptz NOT NULL DEFAULT now())
                """,
                "CREATE UNIQUE INDEX users_username ON auth.users (lower(username))",
                "CREATE UNIQUE INDEX users_email ON auth.users (lower(email))",
                "CREATE INDEX users_role_active ON auth.users (role, active, created_at, id)",
                """
                CREATE TABLE auth.failed_logins (
                    id bigserial PRIMARY KEY,
                    username text NOT NULL,
                    client text NOT NULL,
                    at timestamptz NOT NULL DEFAULT now())
                """,
                "CREATE INDEX failed_logins_username ON auth.failed_logins (username, at)",
                "CREATE INDEX failed_logins_client ON auth.failed_logins (client, at)",
            ]),
        BackboneMigrations.wokenInProcess(schema: "auth", version: 4),
        BackboneMigrations.leanIndexes(schema: "auth", version: 5),
        BackboneMigrations.deadLetters(schema: "auth", version: 6),
        BackboneMigrations.outboxTraceContext(schema: "auth", version: 7),
        BackboneMigrations.tokenCutoffs(schema: "auth", version: 8),
    ]
}
