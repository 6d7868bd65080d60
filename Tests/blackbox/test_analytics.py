"""Analytics from a known sequence of events, published as the tasks service would: exact figures
for one employee, the same figures when events are duplicated and arrive in any order,
percentiles on a known distribution, who may read what, and the live analytics.updated event."""
import json
import random
import uuid
from datetime import datetime, timedelta, timezone

from auth_client import call
from conftest import sql, wait_for
from helpers import employee



def stamp(moment):
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def publish(broker, event_type, data, at, event_id=None):
    event_id = event_id or str(uuid.uuid4())
    body = json.dumps({"id": event_id, "type": event_type, "version": 1, "occurredAt": stamp(at), "source": "tasks",
                       "correlationId": str(uuid.uuid4()), "causationId": None, "data": data})
    import pika
    broker.channel.basic_publish(exchange="orchestrator.events", routing_key=event_type, body=body,
                                 properties=pika.BasicProperties(message_id=event_id, type=event_type, delivery_mode=2))
    return event_id


def history(worker_id, start):
    """Ten tasks for one employee: waits of 1–10 s, a second to accept, handling times of 1–8 s for
    the eight completed, two failed for good. Returns [(type, data, at)] in causal order."""
    events = []
    for i in range(1, 11):
        task = str(uuid.uuid4())
        created = start + timedelta(seconds=30 * i)
        assigned = created + timedelta(seconds=i)
        accepted = assigned + timedelta(seconds=1)
        events += [
            ("task.created", {"taskId": task, "version": 1, "assigneeId": None, "name": f"t{i}", "priority": 1 + i % 5,
                              "requiredSkills": [], "dueAt": None, "maxAttempts": 1, "createdBy": str(uuid.uuid4())}, created),
            ("task.assigned", {"taskId": task, "version": 2, "assigneeId": worker_id, "reservationId": str(uuid.uuid4()),
                               "attempt": 1}, assigned),
            ("task.accepted", {"taskId": task, "version": 3, "assigneeId": worker_id}, accepted),
        ]
        if i <= 8:
            events.append(("task.completed", {"taskId": task, "version": 4, "assigneeId": worker_id, "message": "ok"},
                           accepted + timedelta(seconds=i)))
        else:
            events.append(("task.failed", {"taskId": task, "version": 4, "assigneeId": worker_id, "message": "no",
                                           "attempt": 1, "willRetry": False}, accepted + timedelta(seconds=2)))
    return events


def figures(api, token, employee_id, window="1h"):
    status, _, body = call(api(f"/api/analytics/employees/{employee_id}?window={window}"), token=token)
    assert status == 200, body
    return body


def test_a_known_history_in_any_order_with_duplicates_yields_exact_figures(api, admin, broker):
    updates = broker.watch("analytics.updated")
    worker, token, _ = employee(api)
    start = datetime.now(timezone.utc) - timedelta(minutes=20)
    events = [(kind, data, at, str(uuid.uuid4())) for kind, data, at in history(worker["id"], start)]
    shuffled = events[:]
    random.Random(7).shuffle(shuffled)
    for kind, data, at, event_id in shuffled + shuffled[:15]:  # fifteen of them twice, same ids
        publish(broker, kind, data, at, event_id)

    expected = {"assigned": 10, "completed": 8, "failed": 2, "successRate": 0.8, "currentLoad": 0}
    wait_for(lambda: all(figures(api, token, worker["id"])[k] == v for k, v in expected.items()), 20,
             what="the employee's figures")
    mine = figures(api, token, worker["id"])
    # Handling times 1…8 s: mean 4.5 s; interpolated p50 4.5 s, p90 1 + 0.9·7 = 7.3 s, p99 7.93 s.
    assert mine["handlingTime"] == {"count": 8, "meanMs": 4500.0, "p50Ms": 4500.0, "p90Ms": 7300.0, "p99Ms": 7930.0}
    # Busy from each accept to its completion or failure: 1+…+8 + 2·2 = 40 s of one hour at capacity 1.
    assert mine["capacity"] == 1 and abs(mine["utilisation"] - round(40 / 3600, 4)) < 1e-4

    # Outside a five-minute window none of it happened.
    recent = figures(api, token, worker["id"], window="5m")
    assert recent["assigned"] == 0 and recent["handlingTime"]["count"] == 0

    status, _, overview = call(api("/api/analytics/overview?window=1h"), token=admin)
    assert status == 200, overview
    assert overview["tasksByStatus"].get("COMPLETED", 0) >= 8 and overview["tasksByStatus"].get("FAILED", 0) >= 2
    assert overview["handlingTime"]["count"] >= 8 and overview["waitTime"]["count"] >= 10
    assert 0 < overview["fairness"]["jainIndex"] <= 1 and overview["fairness"]["employees"] >= 1
    for part in ("created", "completed", "failed"):
        assert overview["perMinute"][part] >= 0

    status, _, series = call(api("/api/analytics/timeseries?metric=throughput&window=1h"), token=admin)
    assert status == 200 and sum(b["count"] for b in series["buckets"]) >= 8
    status, _, series = call(api("/api/analytics/timeseries?metric=handling&window=1h"), token=admin)
    assert status == 200 and all(b["p50Ms"] is not None for b in series["buckets"])

    published = broker.collect(updates, 10, until=lambda got: len(got) >= 1)
    assert published and published[0]["source"] == "analytics" and published[0]["data"]


def test_who_may_read_what_and_bad_parameters(api, admin):
    alice, alice_token, _ = employee(api)
    bob, _, _ = employee(api)
    wait_for(lambda: call(api(f"/api/analytics/employees/{alice['id']}"), token=admin).status == 200, 15,
             what="analytics to learn the employee")
    assert call(api(f"/api/analytics/employees/{alice['id']}"), token=alice_token).status == 200
    status, _, error = call(api(f"/api/analytics/employees/{bob['id']}"), token=alice_token)
    assert status == 403 and error["error"]["code"] == "forbidden"
    for path in ("/api/analytics/overview", "/api/analytics/employees", "/api/analytics/timeseries?metric=throughput"):
        assert call(api(path)).status == 401
        assert call(api(path), token=alice_token).status == 403
    assert call(api(f"/api/analytics/employees/{uuid.uuid4()}"), token=admin).status == 404
    assert call(api("/api/analytics/employees/not-a-uuid"), token=admin).status == 400
    for bad in ("/api/analytics/timeseries?metric=nonsense", "/api/analytics/timeseries",
                "/api/analytics/overview?window=forever", "/api/analytics/overview?window=30s",
                "/api/analytics/overview?window=400h"):
        status, _, error = call(api(bad), token=admin)
        assert status == 422, (bad, status, error)
    status, _, listing = call(api("/api/analytics/employees"), token=admin)
    assert status == 200 and any(e["employeeId"].lower() == alice["id"].lower() for e in listing["items"])
    status, _, document = call(api("/openapi/analytics.json"))
    assert status == 200 and "/api/analytics/overview" in document["paths"]


def test_a_window_too_long_to_count_in_nanoseconds_is_a_422_not_a_crash(api, admin, stack):
    from conftest import get
    for window in ("34161787446m", "1e300h"):
        status, _, error = call(api(f"/api/analytics/overview?window={window}"), token=admin)
        assert status == 422 and error["error"]["field"] == "window"
    assert get(stack.url("analytics", "/health/live")).status == 200


def test_the_counts_by_status_follow_every_row_whatever_the_order_of_its_events(api, admin, broker, stack):
    # Kept by triggers, not counted: rows made by an event before their creation (not yet known),
    # known later, moved on, the same events twice — the counts must equal a count of the rows.
    counted = ("SELECT coalesce((SELECT json_object_agg(status, tasks ORDER BY status) FROM analytics.status_counts WHERE tasks <> 0)::text, '{}') || '|' ||"
               " coalesce((SELECT json_object_agg(status, n ORDER BY status) FROM (SELECT status, count(*) AS n FROM analytics.tasks"
               " WHERE known GROUP BY status) AS rows)::text, '{}')")
    start = datetime.now(timezone.utc) - timedelta(minutes=20)
    events = [(kind, data, at, str(uuid.uuid4())) for kind, data, at in history(str(uuid.uuid4()), start)]
    tasks = sorted({data["taskId"] for _, data, _, _ in events})
    shuffled = events[:]
    random.Random(11).shuffle(shuffled)
    for kind, data, at, event_id in shuffled + shuffled[::3]:
        publish(broker, kind, data, at, event_id)
    listed = ",".join(f"'{task}'" for task in tasks)
    wait_for(lambda: sql(stack, f"SELECT count(*) FROM analytics.tasks WHERE id IN ({listed}) AND known AND version = 4") == "10",
             20, what="analytics to apply every event")
    assert sql(stack, f"SELECT status, count(*) FROM analytics.tasks WHERE id IN ({listed}) GROUP BY status ORDER BY status") \
        == "COMPLETED|8\nFAILED|2"
    kept, rows = sql(stack, counted).split("|", 1)
    assert json.loads(kept) == json.loads(rows)

    # The overview shows exactly the kept counts (read between two equal readings of them: other
    # tests' events may still be arriving).
    def served_as_kept():
        before = json.loads(sql(stack, counted).split("|", 1)[0])
        status, _, overview = call(api("/api/analytics/overview?window=1h"), token=admin)
        assert status == 200, overview
        return before == overview["tasksByStatus"] == json.loads(sql(stack, counted).split("|", 1)[0])
    wait_for(served_as_kept, 10, what="the overview to show the counts by status as kept")


def test_an_edit_sets_priority_and_due_time_whatever_the_order_its_events_arrive_in(api, admin, broker, stack):
    """task.edited carries the priority and due time analytics counts by; the newest of the
    creation and the edits wins, in any order, redelivered or not."""
    start = datetime.now(timezone.utc) - timedelta(minutes=5)
    due = stamp(start + timedelta(days=1))
    for order in (lambda e: e, lambda e: e[::-1]):
        task = str(uuid.uuid4())
        events = [
            ("task.created", {"taskId": task, "version": 1, "assigneeId": None, "name": "edited", "priority": 4, "requiredSkills": [],
                              "dueAt": None, "maxAttempts": 1, "createdBy": str(uuid.uuid4())}, start),
            ("task.edited", {"taskId": task, "version": 2, "assigneeId": None, "priority": 2, "description": "", "dueAt": None,
                             "requiredSkills": [], "changed": ["priority"], "editedBy": str(uuid.uuid4())}, start + timedelta(seconds=1)),
            ("task.edited", {"taskId": task, "version": 3, "assigneeId": None, "priority": 1, "description": "", "dueAt": due,
                             "requiredSkills": [], "changed": ["priority", "dueAt"], "editedBy": str(uuid.uuid4())},
             start + timedelta(seconds=2)),
        ]
        for kind, data, at in order(events) + events[:1]:
            publish(broker, kind, data, at)
        wait_for(lambda: sql(stack, f"SELECT priority, details_version, known FROM analytics.tasks WHERE id = '{task}'") == "1|3|t", 20,
                 what="the last edit's priority")
        assert sql(stack, f"SELECT status, to_char(due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS') FROM analytics.tasks WHERE id = '{task}'") \
            == f"PENDING|{due[:19]}"
        assert sql(stack, f"SELECT count(*) FROM analytics.facts WHERE task_id = '{task}' AND type = 'task.edited'") == "2"


def test_a_window_may_end_in_the_past(api, admin, broker):
    """`to` ends the window in the past: what happened in it counts, what came after does not."""
    then = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(hours=3)
    task = str(uuid.uuid4())
    publish(broker, "task.created", {"taskId": task, "version": 1, "assigneeId": None, "name": "long ago", "priority": 2,
                                     "requiredSkills": [], "dueAt": None, "maxAttempts": 1, "createdBy": str(uuid.uuid4())},
            then + timedelta(seconds=30))
    to = stamp(then + timedelta(minutes=5))

    def minutes(query):
        status, _, body = call(api(f"/api/analytics/timeseries?metric=created&{query}"), token=admin)
        assert status == 200, body
        return {bucket["minute"][:16]: bucket["count"] for bucket in body["buckets"]}

    wait_for(lambda: minutes(f"window=10m&to={to}").get(stamp(then)[:16], 0) >= 1, 20, what="the past minute's creation")
    assert all(minute <= to[:16] for minute in minutes(f"window=10m&to={to}")), "a minute after the window's end"
    assert stamp(then)[:16] not in minutes("window=10m")
    status, _, body = call(api(f"/api/analytics/overview?window=1h&to={stamp(datetime.now(timezone.utc) + timedelta(hours=1))}"),
                           token=admin)
    assert status == 422 and body["error"]["field"] == "to", body


def test_open_and_completed_tasks_break_down_by_skill_and_an_edit_moves_a_task_between_skills(api, admin, broker):
    """Each open task counts under every skill it requires; a completion in the window under the
    skills its task required; an edit's skills replace the creation's."""
    tag = uuid.uuid4().hex[:6]
    billing, german, legal = f"billing{tag}", f"german{tag}", f"legal{tag}"
    now = datetime.now(timezone.utc) - timedelta(seconds=30)
    worker = str(uuid.uuid4())

    def created(skills, at):
        task = str(uuid.uuid4())
        publish(broker, "task.created", {"taskId": task, "version": 1, "assigneeId": None, "name": "by skill", "priority": 3,
                                         "requiredSkills": skills, "dueAt": None, "maxAttempts": 1, "createdBy": worker}, at)
        return task

    open_one = created([billing], now)
    created([billing, german], now)
    done = created([german], now)
    publish(broker, "task.assigned", {"taskId": done, "version": 2, "assigneeId": worker, "reservationId": str(uuid.uuid4()),
                                      "attempt": 1}, now + timedelta(seconds=1))
    publish(broker, "task.accepted", {"taskId": done, "version": 3, "assigneeId": worker}, now + timedelta(seconds=2))
    publish(broker, "task.completed", {"taskId": done, "version": 4, "assigneeId": worker, "message": "ok"}, now + timedelta(seconds=3))
    publish(broker, "task.edited", {"taskId": open_one, "version": 2, "assigneeId": None, "priority": 3, "description": "",
                                    "dueAt": None, "requiredSkills": [legal], "changed": ["requiredSkills"],
                                    "editedBy": str(uuid.uuid4())}, now + timedelta(seconds=4))

    def mine(overview):
        return ({skill: n for skill, n in overview["openTasksBySkill"].items() if skill.endswith(tag)},
                {skill: n for skill, n in overview["completedBySkill"].items() if skill.endswith(tag)})

    expected = ({billing: 1, german: 1, legal: 1}, {german: 1})
    wait_for(lambda: mine(call(api("/api/analytics/overview?window=15m"), token=admin).body) == expected, 20,
             what="the open and completed tasks by skill")
