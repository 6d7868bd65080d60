"""An account change ends the user's earlier tokens everywhere at once (docs/auth.md, "Revocation"):
auth records a cut-off with a deactivation or a new role and says so in `user.updated`; every
service keeps it from its own table, refuses older tokens with 401, and the notifier closes the
user's open sockets with 4001. Tokens issued after the change work as usual."""
import time

from websockets.exceptions import ConnectionClosed

from auth_client import call
from conftest import wait_for
from helpers import employee, login, socket

#: A route of each service that an employee's token opens (analytics may not know them yet: 404).
ROUTES = {"auth": "/api/auth/me", "tasks": "/api/employee/tasks/current", "scheduler": "/api/scheduler/me",
          "notifier": "/api/notifications", "analytics": "/api/analytics/employees/{id}"}

#: How long a change may take to reach every service here. The tests show that it is pushed (a
#: token lives for minutes), not how fast: that is the benchmark's (docs/benchmarks.md, "how fast a
#: revocation lands": p50 ~20 ms, the slowest of 100 rounds 135 ms, release build). A debug build
#: in the middle of the suite once took 1.7 s; a fresh CI machine may be slower still.
WITHIN = 5.0


def statuses(api, token, user):
    return {service: call(api(path.format(id=user["id"])), token=token).status for service, path in ROUTES.items()}


def closed_with(ws, timeout):
    try:
        while True:
            ws.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    except TimeoutError:
        return None


def change(api, admin, user, **fields):
    status, _, body = call(api(f"/api/auth/users/{user['id']}"), "PATCH", fields, token=admin)
    assert status == 200, body


def test_a_deactivated_employee_is_out_everywhere_at_once_and_back_after_reactivation(stack, api, admin):
    worker, token, credentials = employee(api)
    assert 401 not in statuses(api, token, worker).values()
    with socket(stack, token) as ws:
        began = time.monotonic()
        change(api, admin, worker, active=False)
        code = closed_with(ws, timeout=10)
        closed_after = time.monotonic() - began
    assert code == 4001 and closed_after < WITHIN, (code, closed_after)
    wait_for(lambda: set(statuses(api, token, worker).values()) == {401}, WITHIN, interval=0.05,
             what="every service to refuse the deactivated employee's token")
    assert login(api, credentials["username"], credentials["password"]).status == 403

    change(api, admin, worker, active=True)
    status, _, session = login(api, credentials["username"], credentials["password"])
    assert status == 200, session
    assert 401 not in statuses(api, session["token"], worker).values()
    # The token from before the deactivation stays refused.
    assert set(statuses(api, token, worker).values()) == {401}


def test_another_role_ends_the_tokens_of_the_old_one(api, admin):
    worker, token, credentials = employee(api)
    change(api, admin, worker, role="ADMIN")
    wait_for(lambda: set(statuses(api, token, worker).values()) == {401}, WITHIN, interval=0.05,
             what="every service to refuse the promoted employee's old token")
    status, _, session = login(api, credentials["username"], credentials["password"])
    assert status == 200 and session["user"]["role"] == "ADMIN", session
    assert call(api("/api/analytics/overview"), token=session["token"]).status == 200
    change(api, admin, worker, role="EMPLOYEE", active=False)


def test_a_change_of_skills_leaves_tokens_alone(api, admin):
    worker, token, _ = employee(api)
    change(api, admin, worker, skills=["revocation-test"], capacity=2)
    time.sleep(0.5)
    assert 401 not in statuses(api, token, worker).values()


def test_the_web_page_of_a_deactivated_employee_ends_on_the_login_page(api, admin, pages):
    worker, _, credentials = employee(api)
    page = pages()
    page.login(credentials["username"], credentials["password"])
    change(api, admin, worker, active=False)
    # Told 4001, the page tries a refresh, is refused, and ends the session.
    page.wait(lambda: page.find("#login-username", timeout=1) and "Your session has ended" in page.text("#view"), 10,
              "the login page after the deactivation")
    page.shot("revoked-employee")
