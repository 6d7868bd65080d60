"""Each service starts and stops cleanly, and refuses a configuration it cannot use."""
import signal
import subprocess
import time

import pytest

from conftest import SERVICES, get, wait_for

EXTRA_PORT = 19_500  # beside the stack's own processes, so they are left alone


@pytest.mark.parametrize("service", SERVICES)
def test_sigterm_stops_the_service_within_five_seconds(stack, service, tmp_path):
    port = EXTRA_PORT + SERVICES.index(service)
    log = (tmp_path / f"{service}.log").open("wb")
    process = subprocess.Popen(
        [stack.binary(service)], env=stack.service_environment(service, ORCH_HTTP_PORT=str(port)),
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/health/ready").status == 200, 60, what=f"{service} ready")
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        status = process.wait(timeout=10)
        elapsed = time.monotonic() - started
        assert status == 0, (tmp_path / f"{service}.log").read_text()
        assert elapsed < 5, f"{service} took {elapsed:.1f}s to stop"
    finally:
        if process.poll() is None:
            process.kill()


MALFORMED = [
    ("ORCH_HTTP_PORT", "eighty"),
    ("ORCH_HTTP_PORT", "99999"),
    ("ORCH_DATABASE_URL", "mysql://root@localhost/orchestrator"),
    ("ORCH_AMQP_URL", "http://127.0.0.1:5672"),
    ("ORCH_AMQP_QUEUE_TYPE", "stream"),
    ("ORCH_REDIS_URL", "redis://127.0.0.1:6379/zero"),
    ("ORCH_LOG_LEVEL", "chatty"),
]


@pytest.mark.parametrize("variable,value", MALFORMED)
def test_a_malformed_value_stops_the_service_naming_the_variable(stack, variable, value):
    # The scheduler reads every shared variable, Redis included.
    env = stack.service_environment("scheduler", ORCH_HTTP_PORT=str(EXTRA_PORT + 10))
    env[variable] = value
    result = subprocess.run([stack.binary("scheduler")], env=env, capture_output=True, timeout=20)
    assert result.returncode == 78
    assert variable in result.stderr.decode()
    assert get(f"http://127.0.0.1:{EXTRA_PORT + 10}/health/live").status == 0


@pytest.mark.parametrize("value", ["soon", "5s"])
def test_a_gathering_window_out_of_its_range_stops_analytics_naming_it(stack, value):
    # Up to a second: the figures reach admins once a second, and longer would only delay them.
    env = stack.service_environment("analytics", ORCH_HTTP_PORT=str(EXTRA_PORT + 12))
    env["ORCH_ANALYTICS_GATHER"] = value
    result = subprocess.run([stack.binary("analytics")], env=env, capture_output=True, timeout=20)
    assert result.returncode == 78
    assert "ORCH_ANALYTICS_GATHER" in result.stderr.decode()


def test_a_configuration_error_never_prints_the_password(stack):
    env = stack.service_environment("auth", ORCH_HTTP_PORT=str(EXTRA_PORT + 11))
    env["ORCH_DATABASE_URL"] = "postgres://orch_auth:hunter2-secret@127.0.0.1:5432"
    result = subprocess.run([stack.binary("auth")], env=env, capture_output=True, timeout=20)
    assert result.returncode == 78
    stderr = result.stderr.decode()
    assert "ORCH_DATABASE_URL" in stderr and "hunter2-secret" not in stderr
