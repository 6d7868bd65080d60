"""Two notifier replicas share one queue and one log: each client gets each event once; a
replica killed with -9 takes its employees offline after the lease TTL while the other's stay
online, and its clients reconnect to the other with their cursor and lose nothing."""
import signal
import time
import uuid

import pytest

from conftest import extra_process
from helpers import assigned, employee, receive, start




SECOND_PORT = 19_640


@pytest.fixture
def second_notifier(stack, tmp_path):
    with extra_process(stack, "notifier", SECOND_PORT, tmp_path / "notifier-2.log") as process:
        yield process


def ws(port, token, after=None):
    from websockets.sync.client import connect
    query = f"token={token}" + (f"&after={after}" if after is not None else "")
    return connect(f"ws://127.0.0.1:{port}/ws?{query}", open_timeout=10, close_timeout=2)


def test_each_client_gets_each_event_once_and_a_killed_replica_loses_nothing(stack, api, broker, second_notifier):
    first_port = stack.port("notifier")
    presence = broker.watch("presence.online", "presence.offline")
    alice, alice_token, _ = employee(api)
    bob, bob_token, _ = employee(api)
    alice_ws = ws(first_port, alice_token, after=start(api, alice_token))
    bob_cursor = start(api, bob_token)
    bob_ws = ws(SECOND_PORT, bob_token, after=bob_cursor)
    time.sleep(0.5)

    tasks = [str(uuid.uuid4()) for _ in range(10)]
    for i, task in enumerate(tasks):
        broker.publish("task.assigned", assigned(task, alice["id"] if i % 2 == 0 else bob["id"]), source="tasks")
    alice_got = receive(alice_ws, 5)
    bob_got = receive(bob_ws, 5)
    assert [m["data"]["taskId"] for m in alice_got] == tasks[0::2]
    assert [m["data"]["taskId"] for m in bob_got] == tasks[1::2]
    assert receive(alice_ws, 1, timeout=1) == [] and receive(bob_ws, 1, timeout=0.2) == []

    # Kill the second replica: Bob's lease lapses (TTL 3 s in the test stack); Alice stays online.
    second_notifier.send_signal(signal.SIGKILL)
    second_notifier.wait()
    mine = lambda events, who: [e["type"] for e in events if e["data"]["employeeId"].lower() == who["id"].lower()]
    events = broker.collect(presence, 20, until=lambda e: "presence.offline" in mine(e, bob))
    assert mine(events, bob) == ["presence.online", "presence.offline"]
    assert mine(events, alice) == ["presence.online"]

    # Events for Bob while he is disconnected; he reconnects to the first replica with his cursor.
    missed = [str(uuid.uuid4()) for _ in range(3)]
    for task in missed:
        broker.publish("task.assigned", assigned(task, bob["id"]), source="tasks")
    time.sleep(1)
    with ws(first_port, bob_token, after=bob_got[-1]["cursor"]) as again:
        assert [m["data"]["taskId"] for m in receive(again, 3)] == missed
    alice_ws.close()
