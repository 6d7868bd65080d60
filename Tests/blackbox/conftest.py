"""Black-box tests against the services `compose/local test` starts from its debug build.

They talk to the processes over HTTP and to the servers with their own clients, exactly as an
operator would; nothing here imports the product's code.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

# The stack compose/local started, as it describes it (compose/stack.conf resolved into the state
# folder's stack.json): read once, before collection, since tests are parametrised by its services.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "compose"))
from orchestrator_stack import Stack  # noqa: E402

STACK = Stack.load()
SERVICES = list(STACK.services)
REDIS_USERS = {name for name, service in STACK.services.items() if service["redis"]}


def pytest_configure(config):
    config.addinivalue_line("markers", "last: runs after every other test selected (it leaves the stack in a state no other "
                                       "test should have to live with)")


def pytest_collection_modifyitems(items):
    """Tests marked `last` run after all the others, whatever their files are called or the order
    they were named in; the rest keep their order."""
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(scope="session")
def stack() -> Stack:
    return STACK


@pytest.fixture(scope="module", autouse=True)
def no_open_task_left_behind(stack, admin_login):
    """Every test module leaves the queue empty: the tasks it left open are cancelled when it
    ends, so no module's leftovers are offered to the next one's employees — whatever order the
    modules run in (test_tasks before test_scheduler used to fail eleven scheduler tests)."""
    yield
    from auth_client import call
    wait_for(lambda: get(stack.url("tasks", "/health/ready")).status == 200, 60, what="the tasks service, to tidy up")
    for status in ("PENDING", "ASSIGNED", "IN_PROGRESS"):
        for _ in range(100):
            code, _, page = call(stack.url("tasks", f"/api/admin/tasks?status={status}&size=100"), token=admin_login.token)
            assert code == 200, page
            if not page["items"]:
                break
            for task in page["items"]:
                code, _, reply = call(stack.url("tasks", f"/api/admin/tasks/{task['id']}/cancel"), "POST",
                                      {"reason": "left open by a finished test module"}, token=admin_login.token)
                # 409: it ended (or moved on) by itself meanwhile.
                assert code in (200, 409), reply
        else:
            pytest.fail(f"{status} tasks kept coming while the module's leftovers were cancelled")


@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


def get(url: str, timeout: float = 5) -> Reply:
    """GET without raising on error statuses; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return Reply(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, dict(error.headers), error.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return Reply(0, {}, b"")


#: A service's schema named in a query (`tasks.audit`): the one whose server runs it.
SCHEMA_NAMED = re.compile(r"\b(" + "|".join(SERVICES) + r")\.")


def sql(stack, query: str, service: str = None, port: int = None) -> str:
    """One query as the database's superuser, as an operator inspecting the stack would, on the
    PostgreSQL server on `port`, else of `service`, else of the one service whose schema the query
    names (each may have a server of its own: ORCH_DATABASES=split); its rows as psql's unaligned
    text."""
    if port is None and service is None:
        named = set(SCHEMA_NAMED.findall(query))
        assert len(named) == 1, f"name the service whose server runs this query (it names {sorted(named)})"
        service = named.pop()
    env = dict(os.environ, PGPASSWORD="postgres-test")
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port or stack.database_port(service)), "-U", "postgres", "-d", "orchestrator",
         "-Atc", query],
        env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def wait_for(condition, timeout: float, interval: float = 0.25, what: str = "condition"):
    """Polls `condition` until it returns something truthy; fails the test after `timeout` s."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout}s waiting for {what}; last: {last!r}")


from contextlib import contextmanager


@contextmanager
def extra_process(stack, service, port, log_path, **overrides):
    """Another process of `service` beside the stack's own, on `port`, with `overrides` in its
    environment; ready before the block runs, stopped (SIGTERM) after it."""
    import signal
    log = open(log_path, "wb")
    process = subprocess.Popen([stack.binary(service)],
                               env=stack.service_environment(service, ORCH_HTTP_PORT=str(port), **overrides),
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/health/ready").status == 200, 60, what=f"the second {service}")
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def api(stack):
    """Builds a URL on the edge."""
    return lambda path: stack.edge(path)


@pytest.fixture(scope="session")
def admin_login(stack):
    """The first admin (created by the stack from ORCH_AUTH_BOOTSTRAP_ADMIN), logged in again
    whenever their token nears its expiry. Fixtures that outlive a test read `.token` when they
    use it, never once up front."""
    from auth_client import Login, claims_of

    username, password = stack.admin()
    login = Login(stack.edge("/api/auth/login"), username, password, client="10.250.0.1")
    assert claims_of(login.token)["role"] == "ADMIN"
    return login


@pytest.fixture
def admin(admin_login):
    """A token of the first admin, valid for at least the next two minutes."""
    return admin_login.token


@pytest.fixture
def broker(stack):
    """The broker, through pika."""
    from broker import Broker

    connection = Broker(stack.amqp_port)
    yield connection
    connection.take_back()
    connection.close()


IMPATIENT_SCHEDULER_PORT = 19_630


@pytest.fixture
def impatient_scheduler(stack, tmp_path):
    """A second scheduler process whose reservations expire after two seconds, and that announces
    an employee gone after one second offline."""
    with extra_process(stack, "scheduler", IMPATIENT_SCHEDULER_PORT, tmp_path / "scheduler-2.log", ORCH_SCHEDULER_RESERVATION_TIMEOUT="2s",
                       ORCH_SCHEDULER_GONE_GRACE="1s", ORCH_SCHEDULER_SWEEP_INTERVAL="200ms") as process:
        yield process


@pytest.fixture
def pages(stack):
    """Opens browser windows on the edge (`browser.Page`); each is closed at the end, and any error
    their pages' scripts logged fails the test."""
    from browser import Page

    opened = []

    def open_page(**kwargs):
        page = Page(stack, **kwargs)
        opened.append(page)
        return page

    yield open_page
    errors = [error for page in opened for error in page.script_errors()]
    for page in opened:
        page.close()
    assert errors == [], errors


@pytest.fixture
def refused_task(stack):
    """A task id the scheduler's table refuses to store (a trigger): its task.created fails every
    attempt and is dead-lettered, until the test drops the trigger (`DROP TRIGGER refuse_for_test
    ON scheduler.tasks`)."""
    import uuid

    task = str(uuid.uuid4())
    sql(stack, f"""
        CREATE FUNCTION scheduler.refuse_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the test refuses task %', NEW.id; END $$;
        CREATE TRIGGER refuse_for_test BEFORE INSERT OR UPDATE ON scheduler.tasks
        FOR EACH ROW WHEN (NEW.id = '{task}'::uuid) EXECUTE FUNCTION scheduler.refuse_for_test();
    """)
    yield task
    sql(stack, "DROP TRIGGER IF EXISTS refuse_for_test ON scheduler.tasks; DROP FUNCTION IF EXISTS scheduler.refuse_for_test()")
