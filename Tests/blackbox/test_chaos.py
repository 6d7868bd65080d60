"""The failure drills (`compose/local chaos --quick`) against the test stack: under a steady
simulated load, kill -9 every service, restart RabbitMQ, PostgreSQL and Redis, expire every Redis
lock, one at a time and then at random. Nothing may be lost or duplicated, every fault must heal,
nobody may end above capacity, nothing may be dead-lettered."""
import re
import subprocess

from conftest import SERVICES, get, wait_for
from helpers import drill

JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}")

FAULTS = {f"kill -9 {s}" for s in SERVICES} | {"restart rabbitmq", "restart postgres", "restart redis", "expire Redis locks"}


def test_the_quick_drill_heals_every_fault_and_loses_nothing(stack, tmp_path):
    logs = {path: path.stat().st_size for path in (stack.state / "logs").glob("*.log")}
    supervisor = stack.state / "run" / "supervisor.log"
    supervised = supervisor.stat().st_size if supervisor.exists() else 0
    outcome, printed = drill(stack, tmp_path, "--quick", "--seed", "7")
    rows = outcome["faults"]
    assert {row["fault"] for row in rows if row["phase"] == "one at a time"} == FAULTS
    assert len([row for row in rows if row["phase"] == "at random"]) == 3
    # The faults were felt: the kills and restarts made clients repeat requests.
    assert outcome["simulation"]["repeatedRequests"] > 0
    # The table is printed for people.
    assert "FAULT" in printed and "TASKS AFFECTED" in printed and "PASSED" in printed
    for service in SERVICES:
        wait_for(lambda: get(stack.url(service, "/health/ready")).status == 200, 60, what=f"{service} ready after the drill")
    # The only processes that ended were the ones the drill killed (status 137): none stopped by
    # itself while a dependency restarted under it — a crash (PostgresNIO's pool once stopped a
    # service with `Precondition failed`, status 132) or a long-running part that gave up (1).
    with open(supervisor, errors="replace") as log:
        log.seek(supervised)
        exits = re.findall(r"(\S+) \(pid \d+\) exited with status (\d+)", log.read())
    assert exits and all(status == "137" for _, status in exits), exits
    # What every log gained during the drill — the edge's error log included, which writes the
    # request line of every failed proxy attempt — holds no token and no simulated password.
    for path in (stack.state / "logs").glob("*.log"):
        with open(path, errors="replace") as log:
            log.seek(logs.get(path, 0))
            written = log.read()
        assert not JWT.search(written), f"{path.name} logged a token during the drill"
        assert not re.search(r"simulated [0-9A-Fa-f-]{36}", written), f"{path.name} logged a password"


def test_the_drill_refuses_unknown_faults_and_bad_numbers(stack):
    local = str(stack.root / "compose" / "local")
    unknown = subprocess.run([local, "chaos", "--faults", "kill:everything"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "unknown fault(s) kill:everything" in unknown.stderr
    negative = subprocess.run([local, "chaos", "--rate", "-1"], capture_output=True, text=True, timeout=60)
    assert negative.returncode == 2 and "--rate > 0" in negative.stderr
