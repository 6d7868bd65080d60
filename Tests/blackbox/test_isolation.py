"""Each service's database role can use its own schema and nothing else."""
import os
import subprocess

import pytest

from conftest import SERVICES


def psql(stack, role: str, sql: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PGPASSWORD=role, PGCONNECT_TIMEOUT="5")
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(stack.database_port(role.removeprefix("orch_"))), "-U", role, "-d", "orchestrator",
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


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize(
    "statement,error",
    [
        ("CREATE SCHEMA intruder", "permission denied for database"),
        ("CREATE TABLE public.intruder (id int)", "permission denied for schema public"),
        ("CREATE TEMPORARY TABLE intruder (id int)", "permission denied to create temporary tables"),
        ("CREATE ROLE intruder", "permission denied to create role"),
        ("CREATE DATABASE intruder", "permission denied to create database"),
        ("CREATE EXTENSION IF NOT EXISTS pgcrypto", "permission denied"),
    ],
)
def test_a_role_cannot_create_objects_outside_its_schema(stack, service, statement, error):
    result = psql(stack, f"orch_{service}", statement)
    assert result.returncode != 0
    assert error in result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_a_role_cannot_create_in_another_services_schema_or_grant_itself_more(stack, service):
    other = SERVICES[(SERVICES.index(service) + 1) % len(SERVICES)]
    create = psql(stack, f"orch_{service}", f"CREATE TABLE {other}.intruder (id int)")
    assert create.returncode != 0 and f"permission denied for schema {other}" in create.stderr
    attributes = psql(stack, f"orch_{service}", "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls FROM pg_roles WHERE rolname = current_user")
    assert attributes.returncode == 0 and attributes.stdout.strip() == "f|f|f|f"
