"""Each service's database role can use its own schema and nothing else."""
import os
import subprocess

import pytest

from conftest import SERVICES


def psql(stack, role: str, sql: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGPASSWORD=role, PGCONNECT_TIMEOUT="5")
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(stack.pg_port), "-U", role, "-d", "orchestrator",
         "-v", "ON_ERROR_STOP=1", "-Atc", sql],
        env=env, capture_output=True, text=True, timeout=20,
    )


@pytest.mark.parametrize("service", SERVICES)
def test_a_role_reads_its_own_schema(stack, service):
    result = psql(stack, f"orch_{service}", f"SELECT max(version) FROM {service}.schema_migrations")
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 1


@pytest.mark.parametrize("service", SERVICES)
def test_a_role_cannot_read_another_services_schema(stack, service):
    other = SERVICES[(SERVICES.index(service) + 1) % len(SERVICES)]
    result = psql(stack, f"orch_{service}", f"SELECT count(*) FROM {other}.schema_migrations")
    assert result.returncode != 0
    assert f"permission denied for schema {other}" in result.stderr


@pytest.mark.parametrize(
    "statement,error",
    [
        ("CREATE SCHEMA intruder", "permission denied for database"),
        ("CREATE TABLE public.intruder (id int)", "permission denied for schema public"),
    ],
)
def test_a_role_cannot_create_objects_outside_its_schema(stack, statement, error):
    result = psql(stack, "orch_tasks", statement)
    assert result.returncode != 0
    assert error in result.stderr
