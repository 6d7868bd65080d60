-- Idempotent database bootstrap, run by a PostgreSQL superuser (psql -v ON_ERROR_STOP=1 -f …).
--
-- Creates the `orchestrator` database and, for each service, a login role `orch_<service>` and a
-- schema `<service>` owned by that role: every service, or those named in the psql variable
-- `services` (`-v services=tasks`: a server of one service's own, docs/deployment.md). Nobody
-- else gets anything: a service's role can use its own schema and nothing more — not another
-- service's schema, not `public`, and it cannot create schemas, temporary tables, roles or
-- databases. Passwords are set separately (ALTER ROLE … PASSWORD) by whoever runs this file.

SELECT 'CREATE DATABASE orchestrator'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'orchestrator')\gexec

\if :{?services}
\else
    \set services 'auth,tasks,scheduler,notifier,analytics'
\endif

\connect orchestrator
SELECT set_config('orchestrator.bootstrap_services', :'services', false) AS bootstrap_services \gset

REVOKE ALL ON DATABASE orchestrator FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

DO $bootstrap$
DECLARE
    service text;
    role text;
BEGIN
    FOREACH service IN ARRAY string_to_array(current_setting('orchestrator.bootstrap_services'), ',') LOOP
        role := 'orch_' || service;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', role);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE orchestrator TO %I', role);
        -- No temporary tables either (no service uses them); revoked from databases set up
        -- before this line was changed.
        EXECUTE format('REVOKE TEMPORARY ON DATABASE orchestrator FROM %I', role);
        EXECUTE format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', service, role);
        EXECUTE format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', service);
        EXECUTE format('ALTER ROLE %I IN DATABASE orchestrator SET search_path = %I', role, service);
    END LOOP;
END
$bootstrap$;
