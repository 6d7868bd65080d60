"""What the black-box tests share: people (accounts, logins, employees as the scheduler needs
them), tasks, the feed (long-poll cursors, WebSockets) and the web UI's cards. Test modules import
from here, never from each other."""
import json
import subprocess
import time
import uuid
from typing import NamedTuple

from selenium.webdriver.common.by import By
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from auth_client import Login, call, unique_name
from conftest import STACK, wait_for


def register(api, **overrides):
    """Registers a new employee (a unique name, a known password); the `Reply` and the body sent."""
    body = {"username": unique_name(), "password": "correct horse battery", "fullName": "Test Person",
            "email": f"{uuid.uuid4().hex[:12]}@example.com"}
    body.update(overrides)
    return call(api("/api/auth/register"), "POST", body), body


def login(api, username, password, client=None):
    """Logs in, as coming from `client` (an address the edge would forward) when given."""
    headers = {"X-Forwarded-For": client} if client else None
    return call(api("/api/auth/login"), "POST", {"username": username, "password": password}, headers=headers)


class Person(NamedTuple):
    """A registered, logged-in account: its user record, its bearer token and what it registered
    with (username, password…). Unpacks as (user, token, credentials)."""
    user: dict
    token: str
    credentials: dict


def employee(api, available=False, **overrides) -> Person:
    """A new employee, logged in. AWAY unless `available`: the scheduler offers work only to
    AVAILABLE employees, so tests that do not expect offers never receive another test's tasks."""
    (status, _, user), body = register(api, **overrides)
    assert status == 201, user
    status, _, session = login(api, body["username"], body["password"], client=f"10.1.{uuid.uuid4().int % 250}.1")
    assert status == 200, session
    if not available:
        # Wait until the change is in the feeds, so a test's own cursor starts after it.
        admin = admin_token(api)
        cursor = call(api("/api/notifications"), token=admin).body["nextCursor"]
        status, _, reply = call(api("/api/scheduler/me/availability"), "PUT", {"availability": "AWAY"}, token=session["token"])
        assert status == 200, reply

        def announced():
            nonlocal cursor
            page = call(api(f"/api/notifications?after={cursor}"), token=admin).body
            cursor = page["nextCursor"]
            return any(n["type"] == "employee.availability_changed" and n["data"]["employeeId"].lower() == user["id"].lower()
                       for n in page["items"])
        wait_for(announced, 15, interval=0, what="the employee's AWAY to reach the feeds")
    return Person(user, session["token"], body)


_admin_logins = {}


def admin_token(api):
    """The first admin's token (logged in again whenever it nears its expiry)."""
    if api("") not in _admin_logins:
        username, password = STACK.admin()
        _admin_logins[api("")] = Login(api("/api/auth/login"), username, password, client="10.250.0.2")
    return _admin_logins[api("")].token


def start(api, token):
    """The long-poll cursor where the log ends now (nothing before it is the caller's business)."""
    status, _, page = call(api("/api/notifications"), token=token)
    assert status == 200 and page["items"] == []
    return page["nextCursor"]


def assigned(task_id, employee_id, version=2):
    """The data of a `task.assigned` event, as tasks would publish it."""
    return {"taskId": task_id, "version": version, "assigneeId": employee_id, "reservationId": str(uuid.uuid4()),
            "attempt": 1}


def socket(stack, token, after=None):
    """A WebSocket on the live feed through the edge, resuming after cursor `after` when given."""
    url = f"ws://127.0.0.1:{stack.edge_port}/ws?token={token}" + (f"&after={after}" if after is not None else "")
    return connect(url, open_timeout=10, close_timeout=5)


def receive(ws, count, timeout=10):
    """Up to `count` messages from the socket, as many as arrive within `timeout` seconds."""
    messages = []
    deadline = time.time() + timeout
    while len(messages) < count and time.time() < deadline:
        try:
            messages.append(json.loads(ws.recv(timeout=max(0.05, deadline - time.time()))))
        except TimeoutError:
            break
    return messages


def create_task(api, admin, priority=3, skills=(), name=None):
    """A new task, created by the admin (the test fails if it is not)."""
    status, _, task = call(api("/api/admin/tasks"), "POST",
                           {"name": name or unique_name("task"), "description": "scheduler test", "priority": priority,
                            "requiredSkills": list(skills)}, token=admin)
    assert status == 201, task
    return task


def task_of(api, admin, task_id):
    return call(api(f"/api/admin/tasks/{task_id}"), token=admin).body


def scheduled(api, admin, employee_id):
    """The scheduler's view of one employee."""
    status, _, page = call(api("/api/scheduler/employees"), token=admin)
    assert status == 200, page
    return next((e for e in page["items"] if e["id"].lower() == employee_id.lower()), None)


def events(ws, kind, count, timeout=10, task_id=None):
    """The next `count` events of `kind` on a socket (for one task, if given); others are skipped."""
    found, deadline = [], time.monotonic() + timeout
    while len(found) < count and time.monotonic() < deadline:
        for message in receive(ws, 1, max(0.05, deadline - time.monotonic())):
            if message["type"] == kind and (task_id is None or message["data"]["taskId"].lower() == task_id.lower()):
                found.append(message)
    return found


class Worker:
    """An employee as the scheduler needs one: skills and capacity set, online, AVAILABLE."""

    def __init__(self, stack, api, admin, skills=(), capacity=1, available=True):
        self.user, self.token, _ = employee(api, available=available)
        self.id = self.user["id"]
        status, _, updated = call(api(f"/api/auth/users/{self.id}"), "PATCH",
                                  {"skills": list(skills), "capacity": capacity}, token=admin)
        assert status == 200, updated
        self.ws = socket(stack, self.token)
        wait_for(lambda: (lambda e: e and e["online"] and e["capacity"] == capacity
                          and sorted(e["skills"]) == sorted(skills))(scheduled(api, admin, self.id)),
                 15, what="the scheduler to see the employee online with their skills")

    def set(self, api, availability):
        status, _, reply = call(api("/api/scheduler/me/availability"), "PUT", {"availability": availability}, token=self.token)
        assert status == 200, reply
        return reply

    def offers(self, count=1, timeout=10):
        """The next `count` offers on the employee's socket (other messages are skipped)."""
        return events(self.ws, "task.assigned", count, timeout)

    def close(self):
        # The sync client's reader holds one message until it is read: with several unread, it
        # would not see the server's close frame and would wait out its close timeout.
        try:
            receive(self.ws, 10_000, timeout=0.05)
        except ConnectionClosed:
            pass
        self.ws.close()


def offer(broker, api, admin, task, employee_id):
    """Publishes the scheduler's proposal and waits until tasks has offered the task."""
    broker.publish("assignment.proposed", {"taskId": task["id"], "employeeId": employee_id,
                                           "reservationId": str(uuid.uuid4()), "expectedVersion": task["version"]})
    return wait_for(lambda: (lambda t: t if t["status"] == "ASSIGNED" else None)(task_of(api, admin, task["id"])),
                    15, what="the task to be offered")


def held_work(api, admin, broker, label):
    """A new employee holding two tasks of a skill nobody has: the first offered to them, the
    second offered and accepted. Returns (the employee, the offered task, the one in progress)."""
    tag = uuid.uuid4().hex[:6]
    worker, token, _ = employee(api)
    offered, working = (create_task(api, admin, skills=[f"nobody{tag}"], name=f"{label} {tag} {n}") for n in (1, 2))
    for task in (offered, working):
        offer(broker, api, admin, task, worker["id"])
    assert call(api(f"/api/employee/tasks/{working['id']}/accept"), "POST", {}, token=token).status == 200
    return worker, offered, working


def failed_tasks(api, admin, broker, names, skills=()):
    """Tasks that ran out of attempts, one per name: each made with one attempt, offered by a
    made-up proposal to an employee the scheduler does not route to (not available), accepted
    and failed. With a skill nobody has, a retried one waits in the queue."""
    worker, token, _ = employee(api)
    made = []
    for name in names:
        status, _, task = call(api("/api/admin/tasks"), "POST", {"name": name, "priority": 3, "requiredSkills": list(skills),
                                                                 "maxAttempts": 1}, token=admin)
        assert status == 201, task
        offer(broker, api, admin, task, worker["id"])
        assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", {}, token=token).status == 200
        status, _, failed = call(api(f"/api/employee/tasks/{task['id']}/fail"), "POST", {"message": "no answer"}, token=token)
        assert status == 200 and failed["status"] == "FAILED", failed
        made.append(failed)
    return made


def clear_the_floor(api, admin):
    for status in ("PENDING", "ASSIGNED"):
        while True:
            page = call(api(f"/api/admin/tasks?status={status}&size=100"), token=admin).body
            if not page["items"]:
                break
            for task in page["items"]:
                call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


def admin_credentials(stack):
    return stack.admin()


def skilled_employee(api, admin, skill):
    """An AVAILABLE employee with `skill`, and the password to log in with. Tasks other tests
    left waiting are cancelled first: they would be offered to this employee."""
    clear_the_floor(api, admin)
    user, _, body = employee(api, available=True)
    status, _, _ = call(api(f"/api/auth/users/{user['id']}"), "PATCH", {"skills": [skill], "capacity": 3}, token=admin)
    assert status == 200
    return user, body["username"], body["password"]


def card(page, container, name):
    """The card in `container` (a CSS selector) of the task called `name`."""
    return page.driver.find_element(By.XPATH, f"//*[@id='{container.lstrip('#')}']//article[.//h3[text()='{name}']]")


def confirm(page, reason=None):
    """Answers the open confirmation dialog, with a reason if given."""
    dialog = page.find("dialog.confirm")
    if reason:
        dialog.find_element(By.CSS_SELECTOR, "textarea").send_keys(reason)
    dialog.find_element(By.CSS_SELECTOR, "#confirm-yes").click()
    page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "dialog.confirm"), 5, "the dialog to close")


def drill(stack, folder, *arguments):
    """Runs `compose/local chaos ARGUMENTS` on the stack; checks what every drill must show — each
    fault healed, nothing lost or duplicated, every task ended and as the tasks service says,
    nobody above capacity, nothing dead-lettered, no check failed — and returns its results
    (`--json`) and what it printed."""
    results = folder / "chaos.json"
    done = subprocess.run([str(stack.root / "compose" / "local"), "chaos", *arguments, "--json", str(results)],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-3000:])
    outcome = json.loads(results.read_text())
    rows = outcome["faults"]
    assert all(row["recoveredSeconds"] is not None for row in rows), rows
    assert all(row["lost"] == 0 and row["duplicated"] == 0 for row in rows), rows
    simulation = outcome["simulation"]
    assert simulation["created"] > 0 and simulation["lost"] == 0 and simulation["duplicated"] == 0
    assert simulation["completed"] + simulation["failed"] == simulation["created"]
    assert simulation["disagreements"] == [] and outcome["loadProblems"] == []
    assert outcome["newDeadLetters"] == {} and outcome["failures"] == []
    return outcome, done.stdout
