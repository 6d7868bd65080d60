#!/bin/sh
# Run once by the postgres image on a fresh data volume, after bootstrap.sql: gives each service's
# role the password from the environment (ORCH_<SERVICE>_DB_PASSWORD, from compose/.env).
set -eu
for service in auth tasks scheduler notifier analytics; do
    variable="ORCH_$(echo "$service" | tr a-z A-Z)_DB_PASSWORD"
    eval "password=\${$variable:-}"
    [ -n "$password" ] || { echo "$variable is not set" >&2; exit 1; }
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname orchestrator \
        -v role="orch_$service" -v password="$password" <<'SQL'
ALTER ROLE :"role" PASSWORD :'password';
SQL
done
