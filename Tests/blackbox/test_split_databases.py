"""Each service on a PostgreSQL server of its own (`ORCH_DATABASES=split`, docs/deployment.md): the
test command runs these, with the checklist, on a second stack made that way. Each service's
process uses its own server, each server holds one service's schema and role and nothing else, and
a kill -9 drill under load loses nothing."""
import json
import subprocess
import urllib.parse

import pytest

from conftest import SERVICES, get, sql, wait_for


@pytest.fixture(autouse=True)
def split_stack(stack):
    if stack.databases != "split":
        pytest.skip("the stack shares one PostgreSQL server (the test command runs these on a split one)")


def test_each_service_runs_on_a_server_of_its_own(stack):
    ports = {}
    for service in SERVICES:
        url = urllib.parse.urlsplit(stack.environment_of(service)["ORCH_DATABASE_URL"])
        assert url.port == stack.database_port(service), service
        ports[service] = url.port
    assert len(set(ports.values())) == len(SERVICES), ports


@pytest.mark.parametrize("service", SERVICES)
def test_a_server_holds_one_services_schema_and_role_and_its_migrations(stack, service):
    schemas = sql(stack, "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' "
                         "AND nspname NOT IN ('information_schema', 'public') ORDER BY 1", service=service)
    assert schemas.split() == [service]
    roles = sql(stack, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'orch\\_%' ORDER BY 1", service=service)
    assert roles.split() == [f"orch_{service}"]
    assert int(sql(stack, f"SELECT max(version) FROM {service}.schema_migrations")) >= 1


def test_the_kill_9_drill_loses_nothing_with_a_server_per_service(stack, tmp_path):
    """Every service killed under load, then every server restarted, then two at random: each
    service's outbox and inbox live on its own server, and nothing is lost or duplicated."""
    results = tmp_path / "chaos.json"
    faults = ",".join([f"kill:{service}" for service in SERVICES] + ["restart:postgres"])
    drill = subprocess.run([str(stack.root / "compose" / "local"), "chaos", "--quick", "--faults", faults, "--random", "2",
                            "--seed", "26", "--json", str(results)], capture_output=True, text=True, timeout=900)
    assert drill.returncode == 0, (drill.stdout[-4000:], drill.stderr[-3000:])
    outcome = json.loads(results.read_text())
    rows = outcome["faults"]
    assert len(rows) == len(SERVICES) + 1 + 2, rows
    assert all(row["recoveredSeconds"] is not None for row in rows), rows
    assert all(row["lost"] == 0 and row["duplicated"] == 0 for row in rows), rows
    simulation = outcome["simulation"]
    assert simulation["created"] > 0 and simulation["lost"] == 0 and simulation["duplicated"] == 0
    assert simulation["completed"] + simulation["failed"] == simulation["created"]
    assert outcome["newDeadLetters"] == {} and outcome["failures"] == []
    for service in SERVICES:
        wait_for(lambda: get(stack.url(service, "/health/ready")).status == 200, 60, what=f"{service} ready after the drill")
