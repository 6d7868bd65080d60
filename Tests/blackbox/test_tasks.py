"""The tasks service through the edge: every route with its bad inputs, roles, idempotency, the
lifecycle driven by the scheduler's events (published here with pika, as the scheduler would),
concurrency, retries, and due dates."""
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from auth_client import call, unique_name
from conftest import wait_for
from helpers import employee, offer, task_of



def create(api, admin, **overrides):
    body = {"name": "Call the supplier", "description": "About the late order", "priority": 2}
    body.update(overrides)
    status, _, task = call(api("/api/admin/tasks"), "POST", body, token=admin)
    assert status == 201, task
    return task


def same(a, b):
    return a.lower() == b.lower()


# --- creating ------------------------------------------------------------------------------

def test_an_admin_creates_a_pending_task(api, admin):
    due = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    task = create(api, admin, requiredSkills=["french", " French", "billing"], maxAttempts=5, dueAt=due, priority=1)
    assert task["status"] == "PENDING" and task["priority"] == 1 and task["version"] == 1 and task["attempt"] == 1
    assert task["requiredSkills"] == ["french", "billing"] and task["maxAttempts"] == 5 and task["progress"] == 0
    assert task.get("assigneeId") is None and task["dueAt"] == due


def test_the_default_attempt_budget_applies(api, admin):
    assert create(api, admin)["maxAttempts"] == 3


@pytest.mark.parametrize("field,value", [
    ("priority", 0), ("priority", 6), ("priority", "high"), ("priority", 1.5), ("priority", None),
    ("name", ""), ("name", "   "), ("name", "n" * 201), ("name", 42),
    ("description", "d" * 10_001), ("maxAttempts", 0), ("maxAttempts", 21),
    ("requiredSkills", [""]), ("requiredSkills", ["s" * 65]), ("requiredSkills", "french"),
    ("dueAt", "tomorrow"), ("dueAt", "2020-01-01T09:00:00Z"),
])
def test_invalid_values_are_422_naming_the_field(api, admin, field, value):
    body = {"name": "x", "priority": 3, field: value}
    status, _, error = call(api("/api/admin/tasks"), "POST", body, token=admin)
    assert status == 422, error
    assert error["error"]["field"] == field


def test_a_due_date_already_missed_is_refused_saying_why_and_a_moment_ago_is_not(api, admin):
    status, _, error = call(api("/api/admin/tasks"), "POST", {"name": "typo", "priority": 3, "dueAt": "2020-12-01T17:00:00Z"},
                            token=admin)
    assert status == 422 and error["error"]["field"] == "dueAt" and "in the past" in error["error"]["message"]
    # Clocks disagree a little: a few seconds ago is still accepted.
    just_now = (datetime.now(timezone.utc) - timedelta(seconds=5)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert create(api, admin, dueAt=just_now)["dueAt"] == just_now


def test_a_missing_name_or_priority_is_422(api, admin):
    for body, field in (({"priority": 1}, "name"), ({"name": "x"}, "priority")):
        status, _, error = call(api("/api/admin/tasks"), "POST", body, token=admin)
        assert status == 422 and error["error"]["field"] == field


def test_malformed_json_is_400(api, admin):
    status, _, error = call(api("/api/admin/tasks"), "POST", raw=b'{"name": "x", "priority": ', token=admin)
    assert status == 400 and error["error"]["code"] == "malformed_request"


def test_the_same_idempotency_key_and_body_give_the_same_task(api, admin):
    key = str(uuid.uuid4())
    body = {"name": "Once only", "priority": 3, "requiredSkills": ["a"]}
    first = call(api("/api/admin/tasks"), "POST", body, token=admin, headers={"Idempotency-Key": key})
    again = call(api("/api/admin/tasks"), "POST", body, token=admin, headers={"Idempotency-Key": key})
    assert first[0] == 201 and again[0] == 200 and first[2]["id"] == again[2]["id"]
    different = call(api("/api/admin/tasks"), "POST", {**body, "priority": 4}, token=admin,
                     headers={"Idempotency-Key": key})
    assert different[0] == 422 and different[2]["error"]["code"] == "idempotency_key_reused"


def test_concurrent_requests_with_one_key_create_one_task(api, admin):
    key, results = str(uuid.uuid4()), []
    body = {"name": "Raced", "priority": 2}

    def post():
        results.append(call(api("/api/admin/tasks"), "POST", body, token=admin, headers={"Idempotency-Key": key}))
    threads = [threading.Thread(target=post) for _ in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(r[0] for r in results) == [200, 200, 200, 201]
    assert len({r[2]["id"] for r in results}) == 1


# --- roles ---------------------------------------------------------------------------------

def test_roles_are_checked(api, admin):
    _, employee_token, _ = employee(api)
    assert call(api("/api/admin/tasks"), "POST", {"name": "x", "priority": 1}, token=employee_token).status == 403
    assert call(api("/api/admin/tasks"), token=employee_token).status == 403
    assert call(api("/api/admin/tasks")).status == 401
    assert call(api("/api/employee/tasks/current"), token=admin).status == 403
    assert call(api("/api/employee/tasks/current")).status == 401
    assert call(api("/api/employee/tasks/current"), token="forged.token.here").status == 401


# --- reading -------------------------------------------------------------------------------

def test_list_filters_and_pages(api, admin):
    marker = unique_name("list")
    made = [create(api, admin, name=f"{marker}-{i}", priority=5) for i in range(3)]
    start = made[0]["createdAt"]
    status, _, page = call(api(f"/api/admin/tasks?priority=5&status=PENDING&createdFrom={start}&size=2"), token=admin)
    assert status == 200 and page["size"] == 2 and len(page["items"]) == 2 and page["total"] >= 3
    assert all(t["priority"] == 5 and t["status"] == "PENDING" for t in page["items"])
    second = call(api(f"/api/admin/tasks?priority=5&status=PENDING&createdFrom={start}&size=2&page=1"), token=admin).body
    assert not {t["id"] for t in page["items"]} & {t["id"] for t in second["items"]}
    for query in ("status=DONE", "priority=9", "assignee=nobody", "createdFrom=yesterday", "size=0", "page=-1"):
        assert call(api(f"/api/admin/tasks?{query}"), token=admin).status == 422, query


def test_unknown_and_malformed_ids(api, admin):
    assert call(api(f"/api/admin/tasks/{uuid.uuid4()}"), token=admin).status == 404
    assert call(api("/api/admin/tasks/not-a-uuid"), token=admin).status == 400
    assert call(api(f"/api/admin/tasks/{uuid.uuid4()}/cancel"), "POST", token=admin).status == 404


def test_detail_has_comments_and_the_audit_trail(api, admin):
    task = create(api, admin)
    call(api(f"/api/tasks/{task['id']}/comments"), "POST", {"message": "Please hurry"}, token=admin)
    detail = task_of(api, admin, task["id"])
    assert detail["comments"][0]["message"] == "Please hurry"
    assert [(a["action"], a["to"]) for a in detail["audit"]] == [("create", "PENDING")]


# --- the lifecycle -------------------------------------------------------------------------

def test_offer_accept_progress_complete_with_comments_and_audit(api, admin, broker):
    watch = broker.watch("task.assigned", "task.accepted", "task.progressed", "task.completed")
    worker, token, _ = employee(api)
    task = offer(broker, api, admin, create(api, admin), worker["id"])
    assert same(task["assigneeId"], worker["id"]) and task["version"] == 2
    current = call(api("/api/employee/tasks/current"), token=token).body["items"]
    assert [t["id"] for t in current] == [task["id"]]
    assert call(api(f"/api/employee/tasks/{task['id']}/progress"), "POST", {"progress": 10}, token=token).status == 409
    assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=token).body["status"] == "IN_PROGRESS"
    for bad in ({"progress": 101}, {"progress": -1}, {"progress": "half"}, {"progress": 50.5}, {}):
        assert call(api(f"/api/employee/tasks/{task['id']}/progress"), "POST", bad, token=token).status == 422, bad
    status, _, progressed = call(api(f"/api/employee/tasks/{task['id']}/progress"), "POST",
                                 {"progress": 60, "note": "halfway"}, token=token)
    assert status == 200 and progressed["progress"] == 60
    for bad in ({"message": ""}, {"message": "   "}, {"message": "m" * 4001}, {}):
        assert call(api(f"/api/employee/tasks/{task['id']}/complete"), "POST", bad, token=token).status == 422, bad
    status, _, done = call(api(f"/api/employee/tasks/{task['id']}/complete"), "POST",
                           {"message": "Supplier confirmed"}, token=token)
    assert status == 200 and done["status"] == "COMPLETED" and done["progress"] == 100
    status, _, error = call(api(f"/api/employee/tasks/{task['id']}/complete"), "POST", {"message": "again"}, token=token)
    assert status == 409 and error["error"]["status"] == "COMPLETED"

    detail = task_of(api, admin, task["id"])
    assert [c["message"] for c in detail["comments"]] == ["Supplier confirmed"]
    assert [a["action"] for a in detail["audit"]] == ["create", "assign", "accept", "progress", "complete"]
    events = broker.collect(watch, 10, until=lambda e: len(e) >= 4)
    mine = [e for e in events if same(e["data"]["taskId"], task["id"])]
    assert [e["type"] for e in mine] == ["task.assigned", "task.accepted", "task.progressed", "task.completed"]
    assert [e["data"]["version"] for e in mine] == [2, 3, 4, 5]
    assert mine[2]["data"]["note"] == "halfway" and mine[3]["data"]["message"] == "Supplier confirmed"
    history = call(api("/api/employee/tasks/history"), token=token).body
    assert [t["id"] for t in history["items"]] == [task["id"]]
    dashboard = call(api("/api/employee/tasks/dashboard"), token=token).body
    assert dashboard["counts"]["COMPLETED"] == 1 and dashboard["current"] == []


def test_someone_elses_task_is_403(api, admin, broker):
    worker, _, _ = employee(api)
    _, intruder, _ = employee(api)
    task = offer(broker, api, admin, create(api, admin), worker["id"])
    for action, body in (("accept", None), ("progress", {"progress": 5}), ("complete", {"message": "m"}),
                         ("fail", {"message": "m"})):
        assert call(api(f"/api/employee/tasks/{task['id']}/{action}"), "POST", body, token=intruder).status == 403
    assert call(api(f"/api/tasks/{task['id']}/comments"), "POST", {"message": "hi"}, token=intruder).status == 403


def test_two_completes_at_once_one_wins(api, admin, broker):
    worker, token, _ = employee(api)
    task = offer(broker, api, admin, create(api, admin), worker["id"])
    call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=token)
    results = []

    def complete(i):
        results.append(call(api(f"/api/employee/tasks/{task['id']}/complete"), "POST", {"message": f"done {i}"},
                            token=token).status)
    threads = [threading.Thread(target=complete, args=(i,)) for i in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) == [200, 409]
    assert len(task_of(api, admin, task["id"])["comments"]) == 1


@pytest.mark.parametrize("alone", [False, True], ids=["together", "one at a time"])
def test_a_duplicated_or_stale_proposal_changes_nothing(api, admin, broker, alone):
    # One at a time, each proposal arrives alone and takes the consumer's first try (the offer
    # and the message's claim in one statement, docs/events.md); together, they may share a batch.
    watch = broker.watch("task.assignment_rejected")
    first, _, _ = employee(api)
    second, _, _ = employee(api)
    task = create(api, admin)
    proposal = {"taskId": task["id"], "employeeId": first["id"], "reservationId": str(uuid.uuid4()), "expectedVersion": 1}
    message_id = broker.publish("assignment.proposed", proposal)
    if alone:
        wait_for(lambda: task_of(api, admin, task["id"])["status"] == "ASSIGNED", 15, what="the first proposal's offer")
    broker.publish("assignment.proposed", proposal, message_id=message_id)   # redelivered
    if alone:
        time.sleep(0.3)
    broker.publish("assignment.proposed", {**proposal, "employeeId": second["id"], "reservationId": str(uuid.uuid4())})
    rejected = broker.collect(watch, 10, until=lambda e: any(same(x["data"]["taskId"], task["id"]) for x in e))
    rejected = [e for e in rejected if same(e["data"]["taskId"], task["id"])]
    assert len(rejected) == 1 and same(rejected[0]["data"]["employeeId"], second["id"])
    time.sleep(0.5)
    detail = task_of(api, admin, task["id"])
    assert same(detail["assigneeId"], first["id"]) and detail["version"] == 2
    assert [a["action"] for a in detail["audit"]] == ["create", "assign"]


def test_an_expiry_after_the_accept_changes_nothing_and_before_it_requeues(api, admin, broker):
    worker, token, _ = employee(api)
    accepted = offer(broker, api, admin, create(api, admin), worker["id"])
    call(api(f"/api/employee/tasks/{accepted['id']}/accept"), "POST", token=token)
    broker.publish("reservation.expired", {"taskId": accepted["id"], "employeeId": worker["id"],
                                           "reservationId": accepted["reservationId"], "expectedVersion": 2})
    lapsed = offer(broker, api, admin, create(api, admin), worker["id"])
    broker.publish("reservation.expired", {"taskId": lapsed["id"], "employeeId": worker["id"],
                                           "reservationId": lapsed["reservationId"], "expectedVersion": 2})
    wait_for(lambda: task_of(api, admin, lapsed["id"])["status"] == "PENDING", 15, what="the lapsed offer requeued")
    assert task_of(api, admin, accepted["id"])["status"] == "IN_PROGRESS"


def test_a_failure_with_attempts_left_is_requeued_avoiding_the_employee(api, admin, broker):
    watch = broker.watch("task.failed", "task.requeued")
    worker, token, _ = employee(api)
    task = offer(broker, api, admin, create(api, admin, maxAttempts=2), worker["id"])
    call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=token)
    for bad in ({"message": ""}, {"message": " \n "}, {}):
        assert call(api(f"/api/employee/tasks/{task['id']}/fail"), "POST", bad, token=token).status == 422
    status, _, failed = call(api(f"/api/employee/tasks/{task['id']}/fail"), "POST", {"message": "No answer"}, token=token)
    assert status == 200 and failed["status"] == "PENDING" and failed["attempt"] == 2
    events = [e for e in broker.collect(watch, 10, until=lambda e: len(e) >= 2) if same(e["data"]["taskId"], task["id"])]
    assert [e["type"] for e in events] == ["task.failed", "task.requeued"]
    assert events[0]["data"]["willRetry"] is True and events[0]["data"]["attempt"] == 1
    requeued = events[1]["data"]
    assert requeued["reason"] == "retry" and same(requeued["avoidEmployeeId"], worker["id"])
    assert requeued["notBefore"] > events[1]["occurredAt"]
    # The employee's history has the failed attempt, though the task is waiting for another.
    [entry] = call(api("/api/employee/tasks/history"), token=token).body["items"]
    assert entry["id"] == task["id"] and entry["outcome"] == "FAILED" and entry["status"] == "PENDING" and entry["finishedAt"]

    # The last attempt fails for good; an admin can give it a fresh budget.
    task = offer(broker, api, admin, failed, worker["id"])
    call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=token)
    final = call(api(f"/api/employee/tasks/{task['id']}/fail"), "POST", {"message": "Still no answer"}, token=token).body
    assert final["status"] == "FAILED"
    history = call(api("/api/employee/tasks/history"), token=token).body
    assert [e["outcome"] for e in history["items"]] == ["FAILED", "FAILED"] and history["total"] == 2
    audit = task_of(api, admin, task["id"])["audit"]
    assert all(same(a["assigneeId"], worker["id"]) for a in audit if a["action"] in ("assign", "accept", "fail")), audit
    retried = call(api(f"/api/admin/tasks/{task['id']}/retry"), "POST", token=admin).body
    assert retried["status"] == "PENDING" and retried["attempt"] == 1
    assert call(api(f"/api/admin/tasks/{task['id']}/retry"), "POST", token=admin).status == 409


# --- declining, cancelling with a reason, comments reaching the assignee ----------------------

def seconds_from_now(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() - time.time()


def feed_of(api, token, after=None, until=None, timeout=15):
    """The caller's notifications after `after`, waiting until `until(items)` holds."""
    items = []

    def arrived():
        nonlocal after
        page = call(api("/api/notifications" + (f"?after={after}" if after is not None else "")), token=token).body
        items.extend(page["items"])
        after = page["nextCursor"]
        return until is None or until(items)
    wait_for(arrived, timeout, interval=0.1, what="the notifications")
    return items


def test_an_offer_says_when_it_lapses_and_can_be_declined_with_a_reason(api, admin, broker):
    watch = broker.watch("task.requeued")
    worker, token, _ = employee(api)
    task = create(api, admin)
    broker.publish("assignment.proposed", {"taskId": task["id"], "employeeId": worker["id"], "reservationId": str(uuid.uuid4()),
                                           "expectedVersion": task["version"], "reservationSeconds": 60})
    offered = wait_for(lambda: (lambda t: t if t["status"] == "ASSIGNED" else None)(task_of(api, admin, task["id"])),
                       15, what="the task to be offered")
    assert 50 < seconds_from_now(offered["offerExpiresAt"]) <= 60
    current = call(api("/api/employee/tasks/current"), token=token).body["items"]
    assert current[0]["offerExpiresAt"] == offered["offerExpiresAt"]

    url = api(f"/api/employee/tasks/{task['id']}/decline")
    _, intruder, _ = employee(api)
    assert call(url, "POST", {}, token=intruder).status == 403
    assert call(url, "POST", {}, token=admin).status == 403
    for bad in ({"reason": "r" * 1001}, {"reason": 5}, {"reason": ["no"]}):
        status, _, error = call(url, "POST", bad, token=token)
        assert status == 422 and error["error"]["field"] == "reason", bad
    assert call(url, "POST", raw=b'{"reason": ', token=token).status == 400
    status, _, declined = call(url, "POST", {"reason": "  Not trained on this supplier  "}, token=token)
    assert status == 200, declined
    assert declined["status"] == "PENDING" and declined.get("assigneeId") is None and declined.get("offerExpiresAt") is None
    # Declined, it is no longer theirs to act on (as after any requeue).
    assert call(url, "POST", {}, token=token).status == 403

    [event] = [e for e in broker.collect(watch, 10, until=lambda e: any(same(x["data"]["taskId"], task["id"]) for x in e))
               if same(e["data"]["taskId"], task["id"])]
    assert event["data"]["reason"] == "declined" and same(event["data"]["avoidEmployeeId"], worker["id"])
    assert event["data"]["message"] == "Not trained on this supplier"
    assert 200 < seconds_from_now(event["data"]["avoidUntil"]) <= 300  # ORCH_TASKS_DECLINE_HOLD, 5 min by default
    audit = task_of(api, admin, task["id"])["audit"][-1]
    assert audit["action"] == "requeue (declined)" and audit["reason"] == "Not trained on this supplier"
    assert same(audit["actorId"], worker["id"])


def test_an_offer_can_be_declined_without_a_reason_but_not_once_accepted(api, admin, broker):
    worker, token, _ = employee(api)
    accepted = offer(broker, api, admin, create(api, admin), worker["id"])
    assert call(api(f"/api/employee/tasks/{accepted['id']}/accept"), "POST", token=token).status == 200
    status, _, error = call(api(f"/api/employee/tasks/{accepted['id']}/decline"), "POST", token=token)
    assert status == 409 and error["error"]["status"] == "IN_PROGRESS"
    task = offer(broker, api, admin, create(api, admin), worker["id"])
    status, _, declined = call(api(f"/api/employee/tasks/{task['id']}/decline"), "POST", token=token)
    assert status == 200 and declined["status"] == "PENDING", declined
    assert task_of(api, admin, task["id"])["audit"][-1]["reason"] == "declined"


def test_a_cancel_asks_no_reason_but_passes_one_on_to_the_assignee(api, admin, broker):
    worker, token, _ = employee(api)
    start = call(api("/api/notifications"), token=token).body["nextCursor"]
    task = offer(broker, api, admin, create(api, admin), worker["id"])
    assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=token).status == 200
    url = api(f"/api/admin/tasks/{task['id']}/cancel")
    assert call(url, "POST", {"reason": "x" * 1001}, token=admin).status == 422
    assert call(url, "POST", raw=b"[", token=admin).status == 400
    status, _, cancelled = call(url, "POST", {"reason": "The customer withdrew the order."}, token=admin)
    assert status == 200 and cancelled["status"] == "CANCELLED"
    items = feed_of(api, token, start, until=lambda items: any(n["type"] == "task.cancelled" for n in items))
    [note] = [n for n in items if n["type"] == "task.cancelled"]
    assert same(note["data"]["taskId"], task["id"]) and note["data"]["reason"] == "The customer withdrew the order."
    audit = task_of(api, admin, task["id"])["audit"][-1]
    assert audit["action"] == "cancel" and audit["reason"] == "The customer withdrew the order."


def test_a_comment_reaches_the_assignee_and_only_they_and_admins_read_the_thread(api, admin, broker):
    worker, token, _ = employee(api)
    _, intruder, _ = employee(api)
    start = call(api("/api/notifications"), token=token).body["nextCursor"]
    task = offer(broker, api, admin, create(api, admin), worker["id"])
    assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=token).status == 200
    status, _, comment = call(api(f"/api/tasks/{task['id']}/comments"), "POST", {"message": "Use the supplier portal."}, token=admin)
    assert status == 201, comment
    items = feed_of(api, token, start, until=lambda items: any(n["type"] == "task.commented" for n in items))
    [note] = [n for n in items if n["type"] == "task.commented"]
    assert note["data"]["message"] == "Use the supplier portal." and same(note["data"]["commentId"], comment["id"])
    assert not any(n["type"] == "task.commented" for n in call(api("/api/notifications"), token=intruder).body["items"])
    status, _, thread = call(api(f"/api/tasks/{task['id']}/comments"), token=token)
    assert status == 200 and [c["message"] for c in thread["items"]] == ["Use the supplier portal."]
    assert call(api(f"/api/tasks/{task['id']}/comments"), token=admin).status == 200
    assert call(api(f"/api/tasks/{task['id']}/comments"), token=intruder).status == 403
    assert call(api(f"/api/tasks/{uuid.uuid4()}/comments"), token=admin).status == 404
    assert call(api(f"/api/tasks/{uuid.uuid4()}/comments"), "POST", {"message": "hi"}, token=admin).status == 404


def test_cancel_any_open_task_but_not_a_finished_one(api, admin):
    task = create(api, admin)
    status, _, cancelled = call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
    assert status == 200 and cancelled["status"] == "CANCELLED"
    status, _, error = call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
    assert status == 409 and error["error"]["status"] == "CANCELLED"


def test_manual_assign_and_get_next_are_requests_to_the_scheduler(api, admin, broker):
    watch = broker.watch("assignment.requested", "work.requested")
    worker, token, _ = employee(api)
    task = create(api, admin)
    assert call(api(f"/api/admin/tasks/{task['id']}/assign/{worker['id']}"), "POST", token=admin).status == 202
    assert call(api("/api/employee/tasks/get-next"), "POST", token=token).status == 202
    events = broker.collect(watch, 10, until=lambda e: len(e) >= 2)
    types = {e["type"]: e["data"] for e in events if same(e["data"].get("employeeId", ""), worker["id"])}
    assert same(types["assignment.requested"]["taskId"], task["id"])
    assert "work.requested" in types
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
    assert call(api(f"/api/admin/tasks/{task['id']}/assign/{worker['id']}"), "POST", token=admin).status == 409


def test_an_overdue_task_is_announced_exactly_once(api, admin, broker):
    watch = broker.watch("task.overdue")
    due = (datetime.now(timezone.utc) + timedelta(seconds=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    task = create(api, admin, dueAt=due)
    events = broker.collect(watch, 8)
    assert [e["data"]["taskId"].lower() for e in events if same(e["data"]["taskId"], task["id"])] == [task["id"].lower()]


def test_comments_need_a_message(api, admin):
    task = create(api, admin)
    for bad in ({"message": ""}, {"message": "   "}, {"message": "m" * 4001}, {"text": "x"}):
        assert call(api(f"/api/tasks/{task['id']}/comments"), "POST", bad, token=admin).status == 422, bad


def test_the_openapi_document_is_served(api):
    status, _, document = call(api("/openapi/tasks.json"))
    assert status == 200 and "/api/admin/tasks" in document["paths"]


def test_an_employee_who_is_gone_loses_offers_at_once_and_work_after_the_long_timeout(api, admin, broker):
    watch = broker.watch("task.flagged", "task.requeued")
    worker, token, _ = employee(api)
    offered = offer(broker, api, admin, create(api, admin), worker["id"])
    working = offer(broker, api, admin, create(api, admin), worker["id"])
    call(api(f"/api/employee/tasks/{working['id']}/accept"), "POST", token=token)
    broker.publish("employee.gone", {"employeeId": worker["id"], "taskIds": [offered["id"], working["id"]],
                                     "since": "2026-01-01T00:00:00.000Z"})
    wait_for(lambda: task_of(api, admin, offered["id"])["status"] == "PENDING", 15, what="the offer requeued")
    flagged = task_of(api, admin, working["id"])
    assert flagged["status"] == "IN_PROGRESS" and flagged["flagged"] is True
    # ORCH_TASKS_FLAGGED_TIMEOUT is 3 s in the test stack.
    wait_for(lambda: task_of(api, admin, working["id"])["status"] == "PENDING", 20, what="the abandoned work requeued")
    events = [e for e in broker.collect(watch, 5, until=lambda e: len(e) >= 3)
              if same(e["data"]["taskId"], offered["id"]) or same(e["data"]["taskId"], working["id"])]
    kinds = sorted((e["type"], e["data"].get("reason")) for e in events)
    assert kinds == [("task.flagged", "employee_gone"), ("task.requeued", "employee_gone"), ("task.requeued", "employee_gone")]
    assert all(same(e["data"]["avoidEmployeeId"], worker["id"]) for e in events if e["type"] == "task.requeued")
