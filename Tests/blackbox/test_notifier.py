"""The notification log and the long-poll fallback, with events published as the other services
would publish them."""
import time
import uuid


from auth_client import call, make_token
from conftest import wait_for
from helpers import assigned, employee, start



def poll(api, token, cursor):
    status, _, page = call(api(f"/api/notifications?after={cursor}"), token=token)
    assert status == 200, page
    return page


def test_each_employee_sees_only_their_own_events_and_admins_see_all(api, admin, broker):
    alice, alice_token, _ = employee(api)
    bob, bob_token, _ = employee(api)
    cursors = {name: start(api, token) for name, token in (("alice", alice_token), ("bob", bob_token), ("admin", admin))}
    task = str(uuid.uuid4())
    broker.publish("task.assigned", assigned(task, alice["id"]), source="tasks")
    broker.publish("task.created", {"taskId": task, "version": 1, "assigneeId": None, "name": "n", "priority": 1,
                                    "requiredSkills": [], "dueAt": None, "maxAttempts": 3, "createdBy": str(uuid.uuid4())},
                   source="tasks")
    page = wait_for(lambda: (lambda p: p if p["items"] else None)(poll(api, alice_token, cursors["alice"])), 15,
                    what="alice's notification")
    assert [(n["type"], n["data"]["taskId"]) for n in page["items"]] == [("task.assigned", task)]
    assert set(page["items"][0]) == {"cursor", "type", "occurredAt", "data"}
    admin_items = wait_for(lambda: (lambda p: p["items"] if len([n for n in p["items"] if n["data"].get("taskId") == task]) >= 2 else None)(
        poll(api, admin, cursors["admin"])), 15, what="the admin's notifications")
    assert {n["type"] for n in admin_items if n["data"].get("taskId") == task} == {"task.assigned", "task.created"}
    time.sleep(0.5)
    assert [n for n in poll(api, bob_token, cursors["bob"])["items"] if n["data"].get("taskId") == task] == []


def test_a_client_with_a_cursor_gets_exactly_what_it_missed_in_order(api, broker):
    worker, token, _ = employee(api)
    cursor = start(api, token)
    tasks = [str(uuid.uuid4()) for _ in range(5)]
    for task in tasks:
        broker.publish("task.assigned", assigned(task, worker["id"]), source="tasks")
    first = wait_for(lambda: (lambda p: p if len(p["items"]) >= 5 else None)(poll(api, token, cursor)), 15,
                     what="five notifications")
    assert [n["data"]["taskId"] for n in first["items"]] == tasks
    cursors = [n["cursor"] for n in first["items"]]
    assert cursors == sorted(cursors) and first["nextCursor"] == cursors[-1]
    resumed = poll(api, token, cursors[1])
    assert [n["data"]["taskId"] for n in resumed["items"]] == tasks[2:]


def test_a_duplicated_event_is_stored_once(api, broker):
    worker, token, _ = employee(api)
    cursor = start(api, token)
    event_id = str(uuid.uuid4())
    data = assigned(str(uuid.uuid4()), worker["id"])
    broker.publish("task.assigned", data, source="tasks", message_id=event_id)
    broker.publish("task.assigned", data, source="tasks", message_id=event_id)
    broker.publish("task.accepted", {"taskId": data["taskId"], "version": 3, "assigneeId": worker["id"]}, source="tasks")
    wait_for(lambda: (lambda p: p if len([n for n in p["items"] if n["type"].startswith("task.")]) >= 2 else None)(
        poll(api, token, cursor)), 15, what="the notifications")
    time.sleep(0.5)
    types = [n["type"] for n in poll(api, token, cursor)["items"] if n["type"] != "employee.availability_changed"]
    assert types == ["task.assigned", "task.accepted"]


def test_the_long_poll_answers_at_once_when_something_waits_and_after_the_timeout_when_not(api, broker):
    worker, token, _ = employee(api)
    cursor = start(api, token)
    started = time.monotonic()
    assert poll(api, token, cursor)["items"] == []
    waited = time.monotonic() - started
    assert 1.8 <= waited < 4, waited   # ORCH_NOTIFIER_LONG_POLL_TIMEOUT is 2 s in the test stack
    broker.publish("task.assigned", assigned(str(uuid.uuid4()), worker["id"]), source="tasks")
    wait_for(lambda: poll(api, token, cursor)["items"], 15, what="the notification")
    started = time.monotonic()
    assert len(poll(api, token, cursor)["items"]) == 1
    assert time.monotonic() - started < 0.5


def test_a_client_can_ask_the_long_poll_to_wait_less(api):
    """`Prefer: wait=N` (RFC 7240), through the edge: 0 answers at once, 1 after a second rather
    than the stack's 2 s; a preference the notifier does not understand changes nothing."""
    _, token, _ = employee(api)
    cursor = start(api, token)
    for preference, at_least, below in (("wait=0", 0, 0.8), ("respond-async, wait=1", 0.9, 1.8), ("wait=soon", 1.8, 4)):
        started = time.monotonic()
        status, _, page = call(api(f"/api/notifications?after={cursor}"), token=token, headers={"Prefer": preference})
        waited = time.monotonic() - started
        assert status == 200 and page == {"items": [], "nextCursor": cursor}, page
        assert at_least <= waited < below, (preference, waited)


def test_a_waiting_long_poll_wakes_when_an_event_arrives(api, broker):
    import threading

    worker, token, _ = employee(api)
    cursor = start(api, token)
    result = {}

    def wait():
        started = time.monotonic()
        result["page"] = poll(api, token, cursor)
        result["took"] = time.monotonic() - started
    waiter = threading.Thread(target=wait)
    waiter.start()
    time.sleep(0.3)
    broker.publish("task.assigned", assigned(str(uuid.uuid4()), worker["id"]), source="tasks")
    waiter.join(timeout=10)
    assert len(result["page"]["items"]) == 1 and result["took"] < 1.9


def test_bad_tokens_and_cursors_are_refused(api, stack):
    kid, secret = stack.signing_key()
    expired = make_token(kid, secret, str(uuid.uuid4()), "EMPLOYEE", iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    for token in (None, "garbage", expired, make_token(kid, "z" * 40, str(uuid.uuid4()), "ADMIN")):
        assert call(api("/api/notifications?after=0"), token=token).status == 401
    _, token, _ = employee(api)
    for after in ("-1", "ten", "1.5"):
        assert call(api(f"/api/notifications?after={after}"), token=token).status == 422
