"""The scheduler through the edge with real employees: online over a WebSocket, AVAILABLE, with
skills and capacity set by an admin. Tasks created through the tasks service are offered at once
to the right person; the queue, the employees and availability routes; manual assignment;
reservations that expire; a second scheduler process."""
import re
import time
import uuid
from datetime import datetime

import pytest

from auth_client import call, unique_name
from conftest import get, wait_for
from helpers import clear_the_floor, create_task, events, scheduled, socket, task_of, Worker



@pytest.fixture
def workers(stack, api, admin):
    made = []

    def make(**kwargs):
        worker = Worker(stack, api, admin, **kwargs)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.close()


def test_a_task_goes_at_once_to_the_online_available_employee_holding_its_skills(stack, api, admin, workers):
    skill = f"s{uuid.uuid4().hex[:8]}"
    skilled = workers(skills=[skill])
    unskilled = workers(skills=[])
    unskilled.set(api, "AWAY")  # leftover tasks from other tests must not reach this one either
    started = time.monotonic()
    task = create_task(api, admin, skills=[skill])
    [offer] = skilled.offers()
    elapsed = time.monotonic() - started
    assert offer["data"]["taskId"] == task["id"] and offer["data"]["assigneeId"].lower() == skilled.id.lower()
    assert elapsed < 2, f"offered after {elapsed:.2f}s"
    assert task_of(api, admin, task["id"])["status"] == "ASSIGNED"
    view = scheduled(api, admin, skilled.id)
    assert view["load"] == 1 and view["idleSince"] is not None
    # The round that made the offer is timed (docs/events.md, "How long a hop takes").
    metrics = get(stack.url("scheduler", "/metrics")).body.decode()
    rounds = re.search(r"^orchestrator_assignment_round_seconds_count (\S+)$", metrics, re.M)
    assert rounds and float(rounds.group(1)) >= 1, "the assignment round is not on /metrics"


def test_nobody_gets_a_task_they_lack_the_skills_for_and_it_waits_in_the_queue(api, admin, workers):
    worker = workers(skills=["typing"])
    worker.set(api, "AWAY")
    task = create_task(api, admin, priority=1, skills=[f"rare{uuid.uuid4().hex[:6]}"])
    worker.set(api, "AVAILABLE")
    time.sleep(1.5)
    assert task_of(api, admin, task["id"])["status"] == "PENDING"
    status, _, queue = call(api("/api/scheduler/queue?limit=1000"), token=admin)
    assert status == 200
    entry = next(e for e in queue["items"] if e["taskId"] == task["id"].upper() or e["taskId"].lower() == task["id"].lower())
    assert entry["priority"] == 1 and entry["effectivePriority"] == 1 and entry["waitingSeconds"] >= 1
    assert entry["waitingFor"]["code"] == "no_skill" and "rare" in entry["waitingFor"]["text"]
    assert queue["total"] >= 1
    # The queue is in serving order: effective priority, then age.
    keys = [(e["effectivePriority"], e["createdAt"]) for e in queue["items"]]
    assert keys == sorted(keys)
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)


def test_an_away_employee_gets_nothing_until_available_again(api, admin, workers):
    skill = f"s{uuid.uuid4().hex[:8]}"
    worker = workers(skills=[skill])
    worker.set(api, "AWAY")
    task = create_task(api, admin, skills=[skill])
    assert worker.offers(timeout=1.5) == []
    reply = worker.set(api, "AVAILABLE")
    assert reply["availability"] == "AVAILABLE" and reply["changed"] is True
    [offer] = worker.offers()
    assert offer["data"]["taskId"] == task["id"]
    assert worker.set(api, "AVAILABLE")["changed"] is False


def test_a_failed_task_is_not_offered_again_before_its_retry_time_even_to_the_only_one_free(api, admin, workers):
    """One employee, capacity 1, fails a task with attempts left: the retry waits out its
    not-before time (1 s on the test stack) though they are free again and nobody else can take
    it — it used to come straight back to them within the same second."""
    skill = f"s{uuid.uuid4().hex[:8]}"
    worker = workers(skills=[skill])
    status, _, task = call(api("/api/admin/tasks"), "POST", {"name": unique_name("retry"), "priority": 2, "requiredSkills": [skill],
                                                              "maxAttempts": 3}, token=admin)
    assert status == 201, task
    [offer] = worker.offers()
    for attempt in (1, 2):
        assert offer["data"]["taskId"].lower() == task["id"].lower()
        assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=worker.token).status == 200
        status, _, failed = call(api(f"/api/employee/tasks/{task['id']}/fail"), "POST", {"message": f"attempt {attempt} failed"},
                                 token=worker.token)
        failed_at = time.time()
        assert status == 200 and failed["status"] == "PENDING", failed
        # The retry's not-before time, as the scheduler's queue shows it.
        entry = wait_for(lambda: next((e for e in call(api("/api/scheduler/queue?limit=1000"), token=admin).body["items"]
                                       if e["taskId"].lower() == task["id"].lower() and e.get("notBefore")), None),
                         10, interval=0.05, what="the retry in the queue with its not-before time")
        not_before = datetime.fromisoformat(entry["notBefore"].replace("Z", "+00:00")).timestamp()
        assert not_before > failed_at + 0.5
        [offer] = worker.offers(timeout=15)
        offered_at = time.time()
        assert offer["data"]["taskId"].lower() == task["id"].lower()
        assert offered_at >= not_before - 0.05, f"offered {not_before - offered_at:.2f} s before its retry time"
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)


def test_a_declined_offer_goes_to_someone_else_never_straight_back_and_the_decliner_stays_available(api, admin, workers):
    skill = f"s{uuid.uuid4().hex[:8]}"
    decliner = workers(skills=[skill])
    other = workers(skills=[skill])
    other.set(api, "AWAY")
    task = create_task(api, admin, skills=[skill])
    [offer] = decliner.offers()
    assert offer["data"]["taskId"] == task["id"] and offer["data"]["expiresAt"]
    status, _, declined = call(api(f"/api/employee/tasks/{task['id']}/decline"), "POST", {"reason": "on leave"}, token=decliner.token)
    assert status == 200, declined
    # Alone, the decliner is not offered it again (the hold is five minutes) …
    assert decliner.offers(timeout=2) == []
    assert task_of(api, admin, task["id"])["status"] == "PENDING"
    me = call(api("/api/scheduler/me"), token=decliner.token).body
    assert me["availability"] == "AVAILABLE" and me["load"] == 0
    # … but anyone else is, at once, and the decliner gets the next task they can take.
    other.set(api, "AVAILABLE")
    assert [o["data"]["taskId"] for o in other.offers()] == [task["id"]]
    following = create_task(api, admin, skills=[skill])
    assert [o["data"]["taskId"] for o in decliner.offers()] == [following["id"]]
    for done in (task, following):
        call(api(f"/api/admin/tasks/{done['id']}/cancel"), "POST", {}, token=admin)


def test_capacity_is_never_exceeded_and_freed_capacity_is_refilled_at_once(api, admin, workers):
    skill = f"s{uuid.uuid4().hex[:8]}"
    worker = workers(skills=[skill], capacity=2)
    tasks = [create_task(api, admin, skills=[skill]) for _ in range(3)]
    offers = worker.offers(2)
    assert sorted(o["data"]["taskId"] for o in offers) == sorted(t["id"] for t in tasks[:2])
    assert worker.offers(timeout=1.5) == []
    done = offers[0]["data"]["taskId"]
    for action, body in (("accept", None), ("complete", {"message": "done"})):
        status, _, reply = call(api(f"/api/employee/tasks/{done}/{action}"), "POST", body, token=worker.token)
        assert status == 200, reply
    assert [o["data"]["taskId"] for o in worker.offers(timeout=5)] == [tasks[2]["id"]]


def test_an_admin_can_assign_by_hand_overriding_skills_but_never_capacity(api, admin, workers, broker):
    refusals = broker.watch("assignment.refused")
    worker = workers(skills=[], capacity=1)
    worker.set(api, "AWAY")  # manual assignment does not need the employee to be available
    first = create_task(api, admin, skills=[f"rare{uuid.uuid4().hex[:6]}"])
    status, _, reply = call(api(f"/api/admin/tasks/{first['id']}/assign/{worker.id}"), "POST", {}, token=admin)
    assert status == 202, reply
    [offer] = worker.offers()
    assert offer["data"]["taskId"] == first["id"]
    second = create_task(api, admin, skills=[f"rare{uuid.uuid4().hex[:6]}"])
    status, _, reply = call(api(f"/api/admin/tasks/{second['id']}/assign/{worker.id}"), "POST", {}, token=admin)
    assert status == 202
    [refused] = broker.collect(refusals, 10, until=lambda events: len(events) >= 1)
    assert refused["data"]["taskId"].lower() == second["id"].lower()
    assert "capacity" in refused["data"]["reason"]
    assert task_of(api, admin, second["id"])["status"] == "PENDING"
    call(api(f"/api/admin/tasks/{second['id']}/cancel"), "POST", {}, token=admin)


def test_a_manual_assignment_that_overtakes_the_task_waits_for_it_and_a_second_one_is_refused(api, admin, workers, broker):
    # Replicas share one queue, so an admin's request can reach a scheduler before the task's
    # creation does: it is held on the task's view, not refused. Published here as tasks would.
    proposals, refusals = broker.watch("assignment.proposed"), broker.watch("assignment.refused")
    first, second = workers(capacity=1), workers(capacity=1)
    task = str(uuid.uuid4())
    for worker in (first, second):
        broker.publish("assignment.requested", {"taskId": task, "employeeId": worker.id, "requestedBy": str(uuid.uuid4()),
                                                "version": 1}, source="tasks")
    # One of the two is held; the other finds it waiting and is refused (whichever came second).
    [refused] = broker.collect(refusals, 10, until=lambda events: len(events) >= 1)
    assert refused["data"]["taskId"].lower() == task and "another manual assignment" in refused["data"]["reason"]
    held = second if refused["data"]["employeeId"].lower() == first.id.lower() else first
    assert broker.collect(proposals, 1) == []
    broker.publish("task.created", {"taskId": task, "version": 1, "assigneeId": None, "name": "overtaken", "priority": 3,
                                    "requiredSkills": ["nobody-has-this"], "dueAt": None, "maxAttempts": 3,
                                    "createdBy": str(uuid.uuid4())}, source="tasks")
    mine = lambda events: [e for e in events if e["data"]["taskId"].lower() == task]
    [proposed] = mine(broker.collect(proposals, 10, until=lambda events: len(mine(events)) >= 1))
    assert proposed["data"]["employeeId"].lower() == held.id.lower()
    assert proposed["data"]["expectedVersion"] == 1
    assert broker.collect(refusals, 0.5) == []


def test_the_scheduler_routes_check_roles_and_input(api, admin, workers):
    worker = workers()
    for path in ("/api/scheduler/queue", "/api/scheduler/employees"):
        assert call(api(path)).status == 401
        assert call(api(path), token=worker.token).status == 403
    assert call(api("/api/scheduler/queue?limit=0"), token=admin).status == 422
    assert call(api("/api/scheduler/queue?limit=x"), token=admin).status == 422
    url = api("/api/scheduler/me/availability")
    assert call(url, "PUT", {"availability": "AWAY"}).status == 401
    assert call(url, "PUT", {"availability": "AWAY"}, token=admin).status == 403
    status, _, error = call(url, "PUT", {"availability": "BUSY"}, token=worker.token)
    assert status == 422 and "availability" in error["error"]["message"]
    assert call(url, "PUT", {}, token=worker.token).status == 422
    assert call(url, "PUT", raw=b'{"availability": ', token=worker.token).status == 400
    assert call(url, "PUT", raw=b"x" * 70_000, token=worker.token).status == 413
    status, _, document = call(api("/openapi/scheduler.json"))
    assert status == 200 and "/api/scheduler/queue" in document["paths"]


def test_an_employee_reads_their_own_line_as_the_scheduler_sees_it(api, admin, workers):
    worker = workers(skills=["typing"], capacity=2)
    url = api("/api/scheduler/me")
    assert call(url).status == 401
    assert call(url, token=admin).status == 403
    worker.set(api, "AWAY")
    status, _, me = call(url, token=worker.token)
    assert status == 200, me
    assert me["id"].lower() == worker.id.lower() and me["online"] is True and me["availability"] == "AWAY"
    assert me["capacity"] == 2 and me["skills"] == ["typing"] and me["load"] == 0
    worker.set(api, "AVAILABLE")
    assert call(url, token=worker.token).body["availability"] == "AVAILABLE"


def test_an_offer_not_accepted_in_time_goes_to_someone_else_and_the_first_is_set_away(
        api, admin, workers, impatient_scheduler):
    skill = f"s{uuid.uuid4().hex[:8]}"
    slow = workers(skills=[skill])
    other = workers(skills=[skill])
    other.set(api, "AWAY")
    task = create_task(api, admin, skills=[skill])
    [offer] = slow.offers()
    assert offer["data"]["taskId"] == task["id"]
    other.set(api, "AVAILABLE")
    offers = other.offers(timeout=10)
    assert [o["data"]["taskId"] for o in offers] == [task["id"]]
    assert task_of(api, admin, task["id"])["assigneeId"].lower() == other.id.lower()
    assert wait_for(lambda: scheduled(api, admin, slow.id)["availability"] == "AWAY", 5, what="the slow one set AWAY")
    # The employee is told why they are Away, live and on reload.
    assert call(api("/api/scheduler/me"), token=slow.token).body["availabilityReason"] == "reservation_expired"
    assert [e["data"]["reason"] for e in events(slow.ws, "employee.availability_changed", 1)] == ["reservation_expired"]
    audit = call(api(f"/api/admin/tasks/{task['id']}"), token=admin).body["audit"]
    assert any("expired" in (entry.get("reason") or "") for entry in audit), audit


def test_an_employee_offline_past_the_grace_period_is_gone_and_their_offer_goes_back(
        api, admin, workers, broker, impatient_scheduler):
    departures = broker.watch("employee.gone")
    skill = f"s{uuid.uuid4().hex[:8]}"
    leaving = workers(skills=[skill])
    task = create_task(api, admin, skills=[skill])
    [offer] = leaving.offers()
    assert offer["data"]["taskId"] == task["id"]
    leaving.close()
    # Other tests' employees may leave holding tasks too: look for this one's departure.
    mine = lambda events: [e for e in events if e["data"]["employeeId"].lower() == leaving.id.lower()]
    [gone] = mine(broker.collect(departures, 15, until=lambda events: len(mine(events)) >= 1))
    assert [t.lower() for t in gone["data"]["taskIds"]] == [task["id"].lower()]
    wait_for(lambda: task_of(api, admin, task["id"])["status"] == "PENDING", 10, what="the offer to go back to the queue")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)


def test_assignment_goes_on_without_redis_and_the_locks_come_back_with_it(stack, api, admin, workers):
    """The locks are an optimisation: with Redis down the scheduler proposes without them."""
    skill = f"s{uuid.uuid4().hex[:8]}"
    worker = workers(skills=[skill], capacity=2)
    stack.compose("infra", "stop", "redis")
    try:
        task = create_task(api, admin, skills=[skill])
        [offer] = worker.offers(timeout=15)
        assert offer["data"]["taskId"] == task["id"]
    finally:
        stack.compose("infra", "start", "redis")
    wait_for(lambda: get(stack.url("scheduler", "/health/ready")).status == 200, 60, what="the scheduler ready again")
    # Presence leases were lost with Redis: the worker's socket is still open, so reconnecting
    # it brings them back online.
    worker.ws.close()
    worker.ws = socket(stack, worker.token)
    wait_for(lambda: scheduled(api, admin, worker.id)["online"], 15, what="the worker online again")
    second = create_task(api, admin, skills=[skill])
    assert [o["data"]["taskId"] for o in worker.offers(timeout=15)] == [second["id"]]


def test_an_edit_reorders_the_queue_and_new_skills_go_at_once_to_someone_who_has_them(api, admin, workers):
    """task.edited reaches the scheduler's view: its priority orders the queue, its skills decide
    who fits — and the edit itself starts a round."""
    tag = uuid.uuid4().hex[:6]
    clear_the_floor(api, admin)  # a waiting task other tests left could take the worker's place
    worker = workers(skills=[f"have{tag}"])
    first = create_task(api, admin, priority=4, skills=[f"nobody{tag}"])
    second = create_task(api, admin, priority=3, skills=[f"nobody{tag}"])

    def order():
        items = call(api("/api/scheduler/queue?limit=1000"), token=admin).body["items"]
        return [e["taskId"].lower() for e in items if e["taskId"].lower() in (first["id"].lower(), second["id"].lower())]

    wait_for(lambda: order() == [second["id"].lower(), first["id"].lower()], 10, what="the more urgent one first")
    status, _, edited = call(api(f"/api/admin/tasks/{first['id']}"), "PATCH", {"priority": 1}, token=admin)
    assert status == 200 and edited["priority"] == 1 and edited["version"] == 2, edited
    wait_for(lambda: order() == [first["id"].lower(), second["id"].lower()], 10, what="the edited one first")

    status, _, edited = call(api(f"/api/admin/tasks/{second['id']}"), "PATCH", {"requiredSkills": [f"have{tag}"], "version": 1},
                             token=admin)
    assert status == 200, edited
    [offer] = worker.offers()
    assert offer["data"]["taskId"].lower() == second["id"].lower()
    # The offer carries the version after the edit: the proposal was made from the edited view.
    assert offer["data"]["version"] == 3 and task_of(api, admin, second["id"])["status"] == "ASSIGNED"
    call(api(f"/api/admin/tasks/{first['id']}/cancel"), "POST", {}, token=admin)
