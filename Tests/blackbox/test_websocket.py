"""The live feed over real WebSocket clients, through the edge."""
import os
import re
import subprocess
import time
import uuid

from websockets.exceptions import ConnectionClosed

from auth_client import call, make_token
from conftest import get, wait_for
from helpers import assigned, employee, receive, socket, start




def closed_with(ws, timeout=10):
    try:
        while True:
            ws.recv(timeout=timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


def test_a_bad_token_is_closed_with_4401(stack):
    for token in ("garbage", make_token("nokey", "k" * 40, str(uuid.uuid4()), "EMPLOYEE")):
        with socket(stack, token) as ws:
            assert closed_with(ws) == 4401


def test_replay_after_a_cursor_then_live_events_in_order(stack, api, broker):
    worker, token, _ = employee(api)
    cursor = start(api, token)
    missed = [str(uuid.uuid4()) for _ in range(3)]
    for task in missed:
        broker.publish("task.assigned", assigned(task, worker["id"]), source="tasks")
    wait_for(lambda: len(call(api(f"/api/notifications?after={cursor}"), token=token).body["items"]) >= 3, 15,
             what="the missed events stored")
    with socket(stack, token, after=cursor) as ws:
        replayed = receive(ws, 3)
        assert [m["data"]["taskId"] for m in replayed] == missed
        assert all(set(m) == {"cursor", "type", "occurredAt", "data"} for m in replayed)
        live = str(uuid.uuid4())
        sent = time.time()
        broker.publish("task.assigned", assigned(live, worker["id"]), source="tasks")
        [message] = receive(ws, 1)
        assert message["data"]["taskId"] == live and message["cursor"] > replayed[-1]["cursor"]
        assert time.time() - sent < 2
    # The live push is timed from the log's commit to the socket (docs/events.md, "How long a hop takes").
    metrics = get(stack.url("notifier", "/metrics")).body.decode()
    pushed = re.search(r"^orchestrator_feed_push_seconds_count (\S+)$", metrics, re.M)
    assert pushed and float(pushed.group(1)) >= 1, "the push to the socket is not on /metrics"


def test_an_employee_never_receives_another_employees_events(stack, api, broker):
    alice, alice_token, _ = employee(api)
    bob, bob_token, _ = employee(api)
    with socket(stack, alice_token) as alice_ws, socket(stack, bob_token) as bob_ws:
        time.sleep(0.3)
        task = str(uuid.uuid4())
        broker.publish("task.assigned", assigned(task, alice["id"]), source="tasks")
        [message] = receive(alice_ws, 1)
        assert message["data"]["taskId"] == task
        assert [m for m in receive(bob_ws, 1, timeout=1.5) if m["data"].get("taskId") == task] == []


def test_an_expiring_token_closes_the_socket_with_4001(stack, api):
    kid, secret = stack.signing_key()
    worker, _, _ = employee(api)
    token = make_token(kid, secret, worker["id"], "EMPLOYEE", exp=int(time.time()) + 3)
    with socket(stack, token) as ws:
        started = time.time()
        assert closed_with(ws, timeout=15) == 4001
        assert time.time() - started < 8


def test_a_websocket_puts_an_employee_online_and_closing_it_offline(stack, api, broker):
    watch = broker.watch("presence.online", "presence.offline")
    worker, token, _ = employee(api)
    with socket(stack, token):
        online = broker.collect(watch, 10, until=lambda e: any(x["data"]["employeeId"].lower() == worker["id"].lower() for x in e))
        assert [e["type"] for e in online if e["data"]["employeeId"].lower() == worker["id"].lower()] == ["presence.online"]
    offline = broker.collect(watch, 10, until=lambda e: any(x["data"]["employeeId"].lower() == worker["id"].lower() for x in e))
    assert [e["type"] for e in offline if e["data"]["employeeId"].lower() == worker["id"].lower()] == ["presence.offline"]


def test_two_sockets_of_one_employee_are_one_presence(stack, api, broker):
    watch = broker.watch("presence.online", "presence.offline")
    worker, token, _ = employee(api)
    mine = lambda events: [e["type"] for e in events if e["data"]["employeeId"].lower() == worker["id"].lower()]
    first = socket(stack, token)
    second = socket(stack, token)
    time.sleep(1)
    first.close()
    time.sleep(1)
    assert mine(broker.collect(watch, 1)) == ["presence.online"]
    second.close()
    assert mine(broker.collect(watch, 5, until=lambda e: "presence.offline" in mine(e))) == ["presence.offline"]


def test_presence_lost_with_a_redis_restart_is_restored_and_ends_when_the_socket_closes(stack, api, broker, admin):
    """Redis keeps no data across a restart here: the notifier writes a live socket's lease back
    (and says the employee is online again), so closing the socket afterwards still takes the
    employee offline instead of leaving them online, and offered work, for ever."""
    watch = broker.watch("presence.online", "presence.offline")
    worker, token, _ = employee(api)
    mine = lambda events: [e["type"] for e in events if e["data"]["employeeId"].lower() == worker["id"].lower()]
    ws = socket(stack, token)
    try:
        assert mine(broker.collect(watch, 10, until=lambda e: mine(e))) == ["presence.online"]
        stack.compose("infra", "stop", "redis")
        stack.compose("infra", "start", "redis")
        assert mine(broker.collect(watch, 10, until=lambda e: mine(e))) == ["presence.online"], "the lease was not restored"
    finally:
        ws.close()
    assert mine(broker.collect(watch, 10, until=lambda e: mine(e))) == ["presence.offline"]
    seen = lambda: [e for e in call(api("/api/scheduler/employees"), token=admin).body["items"] if e["id"].lower() == worker["id"].lower()]
    wait_for(lambda: seen() and not seen()[0]["online"], 10, what="the scheduler to see the employee offline")


def test_a_row_that_commits_after_a_later_one_is_still_delivered_live(stack, api, broker):
    """A writer that took its cursor first but commits last must not be skipped by a reader that
    already moved past the later cursor: the log's writers take one lock until commit."""
    worker, token, _ = employee(api)
    slow_task, fast_task = str(uuid.uuid4()), str(uuid.uuid4())
    env = dict(os.environ, PGPASSWORD="postgres-test")
    with socket(stack, token) as ws:
        time.sleep(0.3)
        # A writer that takes its cursor now and commits two seconds later, as a slow replica would.
        slow_writer = subprocess.Popen(
            ["psql", "-h", "127.0.0.1", "-p", str(stack.database_port("notifier")), "-U", "postgres", "-d", "orchestrator", "-q",
             "-c", "BEGIN",
             "-c", f"SELECT pg_advisory_xact_lock({NOTIFICATION_WRITER_LOCK})",
             "-c", "INSERT INTO notifier.notifications (event_id, audience, type, occurred_at, data) VALUES "
                   f"(gen_random_uuid(), '{worker['id'].upper()}', 'task.progressed', now(), "
                   f"'{{\"taskId\": \"{slow_task}\"}}')",
             "-c", "SELECT pg_sleep(2)", "-c", "COMMIT"],
            env=env, stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        broker.publish("task.assigned", assigned(fast_task, worker["id"]), source="tasks")
        assert slow_writer.wait(timeout=15) == 0
        # (The employee's own availability change, made when the test registered them, may come first.)
        received, deadline = [], time.time() + 10
        while len(received) < 2 and time.time() < deadline:
            received += [m["data"]["taskId"] for m in receive(ws, 1, timeout=deadline - time.time()) if "taskId" in m["data"]]
        assert received == [slow_task, fast_task]


# NotificationLog.writerLock: the advisory lock every writer of the log holds until commit.
NOTIFICATION_WRITER_LOCK = 0x6E6F746966696572
