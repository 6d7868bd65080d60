"""Schema fuzzing: schemathesis against every service's own OpenAPI document, on the service's
own port, once with an admin's token and once with an employee's — server errors, responses
that contradict the document (status codes, content types, headers, bodies), undeclared methods
(405 with Allow), schema-violating requests accepted. The gate is zero failures.

It runs last (marked `last`, which conftest.py orders by): it creates, changes and cancels things
at random, accounts included, which no other test should have to live with. Settings in
schemathesis.toml; the seed is fixed so a failure reproduces (ORCH_FUZZ_SEED and ORCH_FUZZ_EXAMPLES
change it).

Each fuzzer keeps one core busy generating requests, and the services answer it with little, so
the runs go two at a time (the test machines have two cores): every admin's run, then — the
employee restored — every employee's. One at a time they took about three minutes."""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from auth_client import Login, call, unique_name
from conftest import SERVICES

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.last


@pytest.fixture(scope="module")
def tokens(stack, api, admin_login):
    """A second admin and an employee to fuzz with. The fuzzer may deactivate or demote any other
    account it learns of — the first admin and the fuzzing employee among them (whether it does
    depends on the accounts earlier tests left: the fewer, the likelier) — so the second admin
    (who cannot deactivate or demote themselves) restores the employee before the employee's runs
    (`restored`, which logs the employee in afresh: a reactivation revokes the tokens issued
    before) and the first admin afterwards, whose revoked token is then forgotten."""
    made = {}
    for role in ("ADMIN", "EMPLOYEE"):
        username, password = unique_name("fuzz"), "a fuzzing password"
        status, _, user = call(api("/api/auth/register"), "POST", {"username": username, "password": password, "fullName": "Fuzz",
                                                                     "email": f"{username}@example.com", "role": role}, token=admin_login.token)
        assert status == 201
        made[role.lower()] = Login(api("/api/auth/login"), username, password, client="10.250.9.9")
        made[f"{role.lower()}-id"] = user["id"]

    def restored(role):
        if role == "employee":
            status, _, reply = call(api(f"/api/auth/users/{made['employee-id']}"), "PATCH", {"active": True, "role": "EMPLOYEE"},
                                    token=made["admin"].token)
            assert status == 200, reply
            made[role].forget()
        return made[role]

    made["restored"] = restored
    yield made
    first = stack.admin()[0]
    page = 0
    while True:
        users = call(api(f"/api/auth/users?size=100&page={page}"), token=made["admin"].token).body["items"]
        found = [user for user in users if user["username"] == first]
        if found or not users:
            break
        page += 1
    assert found, "the first admin is gone"
    status, _, reply = call(api(f"/api/auth/users/{found[0]['id']}"), "PATCH", {"active": True, "role": "ADMIN"}, token=made["admin"].token)
    assert status == 200, reply
    # Deactivated or demoted by the fuzzer, the first admin's tokens were revoked (and a restore
    # would revoke them again): the fixtures that tidy up after this module log in anew.
    admin_login.forget()


ROLES = ("admin", "employee")
AT_ONCE = 2


def fuzz(stack, service, token):
    """One schemathesis run against the service's own document and port: (exit status, report)."""
    port = stack.port(service)
    command = [str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(HERE / "schemathesis.toml"), "run",
               f"http://127.0.0.1:{port}/openapi.json", "--url", f"http://127.0.0.1:{port}",
               "-H", f"Authorization: Bearer {token}", "--checks", "all", "--phases", "examples,coverage,fuzzing",
               "--max-examples", os.environ.get("ORCH_FUZZ_EXAMPLES", "25"), "--seed", os.environ.get("ORCH_FUZZ_SEED", "20261129"),
               "--no-color",
               # Readiness answers 503 whenever a dependency is down — documented, and what an
               # earlier test's broker, database or Redis restart can leave for a moment — which
               # the fuzzer counts as a server error whatever the document says. Its shape is
               # tested in test_health.py; every other runtime route is fuzzed.
               "--exclude-path", "/health/ready"]
    if service == "notifier":
        # The long poll answers at once (`Prefer: wait=0`) rather than after the stack's 2 s at
        # every example with nothing new: that wait was half of the notifier's fuzzing. The
        # wait itself is tested in test_notifier.py.
        command += ["-H", "Prefer: wait=0"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=HERE)
    except subprocess.TimeoutExpired as hung:
        # Told by its own test, not by the fixture's error in all ten.
        return None, f"schemathesis ran past {hung.timeout} s:\n{hung.stdout or ''}"
    return done.returncode, done.stdout + done.stderr


@pytest.fixture(scope="module")
def reports(stack, tokens):
    """Every run's outcome by (service, role). The admins' runs all end before the employee is
    restored and theirs begin: an admin's fuzzer may deactivate or demote the employee, and an
    employee's cannot change an account."""
    outcomes = {}
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        for role in ROLES:
            token = tokens["restored"](role).token
            runs = {service: pool.submit(fuzz, stack, service, token) for service in SERVICES}
            outcomes |= {(service, role): run.result() for service, run in runs.items()}
    return outcomes


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("service", SERVICES)
def test_the_api_keeps_to_its_document_under_fuzzing(reports, service, role):
    status, report = reports[(service, role)]
    failures = report[report.find("FAILURES"):] if "FAILURES" in report else report
    assert status == 0, failures[:6000]
