"""Each service on a PostgreSQL server of its own (`ORCH_DATABASES=split`, docs/deployment.md): the
test command runs these, with the checklist, on a second stack made that way. Each service's
process uses its own server, each server holds one service's schema and role and nothing else, and
a kill -9 drill under load loses nothing."""
import pytest

from conftest import SERVICES, get, sql, wait_for
from helpers import drill


@pytest.fixture(autouse=True)
def split_stack(stack):
    if stack.databases != "split":
        pytest.skip("the stack shares one PostgreSQL server (the test command runs these on a split one)")


def test_each_service_is_connected_to_a_server_of_its_own_and_only_it(stack):
    """What the running processes hold open, as each server sees it — not what they were told."""
    assert len(set(stack.database_port(service) for service in SERVICES)) == len(SERVICES)
    for service in SERVICES:
        connected = sql(stack, "SELECT DISTINCT usename FROM pg_stat_activity WHERE usename LIKE 'orch\\_%'", service=service)
        assert connected.split() == [f"orch_{service}"], service


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
    faults = ",".join([f"kill:{service}" for service in SERVICES] + ["restart:postgres"])
    outcome, _ = drill(stack, tmp_path, "--quick", "--faults", faults, "--random", "2", "--seed", "26")
    assert len(outcome["faults"]) == len(SERVICES) + 1 + 2, outcome["faults"]
    for service in SERVICES:
        wait_for(lambda: get(stack.url(service, "/health/ready")).status == 200, 60, what=f"{service} ready after the drill")
