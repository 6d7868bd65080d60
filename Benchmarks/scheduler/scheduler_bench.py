#!/usr/bin/env python3
"""Scheduler latency and throughput, against a running stack (compose/local up).

    .build/test-venv/bin/python Benchmarks/scheduler/scheduler_bench.py latency --employees 50 --rate 100 --seconds 20
    .build/test-venv/bin/python Benchmarks/scheduler/scheduler_bench.py throughput --employees 50 --tasks 2000 [--replicas 2]

Both register EMPLOYEES new employees through auth (capacity 50 each, so nobody fills up),
hold a WebSocket open to the notifier for each (that is what makes them online), and watch the
broker for `task.created` and `task.assigned`.

`latency` creates tasks through the tasks service at RATE per second and reports, per task, the
time from `task.created` to `task.assigned` reaching the broker: the scheduler's read model,
its round, the proposal's transaction, the outbox relay, and the tasks service's offer.

`throughput` creates TASKS tasks while every employee is AWAY, then sets them all AVAILABLE and
reports how fast the backlog is assigned (first to last `task.assigned`). With `--replicas 2` a
second scheduler process (the release binary, on port 18983) runs beside the stack's own.
"""
import argparse
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import asyncio
import pika

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from stack import ROOT, local_stack, open_sockets, raise_file_limit, signing_key, summary, token  # noqa: E402


def call(url, method="GET", body=None, bearer=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if bearer:
        request.add_header("Authorization", f"Bearer {bearer}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = response.read()
            return response.status, json.loads(payload) if payload else None
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class Watch:
    """A private queue bound to task.created and task.assigned, read on its own thread."""

    def __init__(self, amqp_port):
        self.created, self.proposed, self.assigned = {}, {}, {}
        self.lock = threading.Lock()
        self.connection = pika.BlockingConnection(pika.ConnectionParameters(host="127.0.0.1", port=amqp_port))
        channel = self.connection.channel()
        self.queue = channel.queue_declare(queue="", exclusive=True).method.queue
        for key in ("task.created", "assignment.proposed", "task.assigned"):
            channel.queue_bind(queue=self.queue, exchange="orchestrator.events", routing_key=key)
        channel.basic_consume(self.queue, self.on_message, auto_ack=True)
        self.channel = channel
        self.thread = threading.Thread(target=channel.start_consuming, daemon=True)
        self.thread.start()

    def on_message(self, _channel, _method, _properties, body):
        now = time.monotonic()
        event = json.loads(body)
        task = event["data"]["taskId"].lower()
        with self.lock:
            {"task.created": self.created, "assignment.proposed": self.proposed,
             "task.assigned": self.assigned}[event["type"]].setdefault(task, now)

    def close(self):
        self.connection.add_callback_threadsafe(self.channel.stop_consuming)
        self.thread.join(5)


class Team:
    """Employees registered through auth, capacity 50, online over WebSockets."""

    def __init__(self, args, admin, count):
        kid, secret = signing_key()
        self.args, self.ids, self.tokens = args, [], []
        run = uuid.uuid4().hex[:6]
        for index in range(count):
            status, user = call(f"{args.edge}/api/auth/register", "POST",
                                {"username": f"bench-{run}-{index}", "password": "benchmark password",
                                 "fullName": f"Bench {index}", "email": f"bench-{run}-{index}@example.com"})
            assert status == 201, user
            status, reply = call(f"{args.edge}/api/auth/users/{user['id']}", "PATCH", {"capacity": 50}, admin)
            assert status == 200, reply
            self.ids.append(user["id"])
            self.tokens.append(token(kid, secret, user["id"]))
        self.sockets = []

    def availability(self, value):
        with ThreadPoolExecutor(16) as pool:
            replies = list(pool.map(lambda t: call(f"{self.args.edge}/api/scheduler/me/availability", "PUT",
                                                   {"availability": value}, t), self.tokens))
        assert all(status == 200 for status, _ in replies), replies[:3]

    def connect(self):
        raise_file_limit(len(self.tokens))
        self.sockets, failures = asyncio.get_event_loop().run_until_complete(
            open_sockets(self.args.notifier, self.tokens, 50))
        assert not failures, failures[:3]

    def wait_until_known(self, admin):
        deadline = time.monotonic() + 60
        wanted = {i.lower() for i in self.ids}
        while time.monotonic() < deadline:
            status, page = call(f"{self.args.edge}/api/scheduler/employees", bearer=admin)
            ready = {e["id"].lower() for e in page["items"] if e["online"] and e["capacity"] == 50}
            if wanted <= ready:
                return
            time.sleep(0.5)
        sys.exit("the scheduler did not see every employee online in time")

    def close(self):
        loop = asyncio.get_event_loop()
        loop.run_until_complete(asyncio.gather(*(ws.close() for ws in self.sockets if ws), return_exceptions=True))


def admin_token(args):
    username, password = local_stack().admin()
    status, session = call(f"{args.edge}/api/auth/login", "POST", {"username": username, "password": password})
    assert status == 200, session
    return session["token"]


def create_task(args, admin, index):
    status, task = call(f"{args.edge}/api/admin/tasks", "POST",
                        {"name": f"bench {index}", "description": "benchmark", "priority": 1 + index % 5}, admin)
    assert status == 201, task
    return task["id"].lower()


def cancel(args, admin, ids):
    """Cancels what the benchmark created, so its tasks do not linger in the stack's queue."""
    print(f"cancelling the {len(ids)} benchmark tasks", flush=True)
    with ThreadPoolExecutor(16) as pool:
        list(pool.map(lambda i: call(f"{args.edge}/api/admin/tasks/{i}/cancel", "POST", {}, admin), ids))


def queue_is_empty(args, admin):
    status, page = call(f"{args.edge}/api/scheduler/queue?limit=1", bearer=admin)
    if page["total"]:
        print(f"warning: {page['total']} tasks already wait in the queue; they will be assigned first", flush=True)


def prepare(args):
    admin = admin_token(args)
    queue_is_empty(args, admin)
    print(f"registering {args.employees} employees", flush=True)
    team = Team(args, admin, args.employees)
    team.availability("AWAY")
    team.connect()
    team.wait_until_known(admin)
    return admin, team


def latency(args):
    admin, team = prepare(args)
    watch = Watch(args.amqp_port)
    team.availability("AVAILABLE")
    total = int(args.rate * args.seconds)
    print(f"creating {total} tasks at {args.rate}/s", flush=True)
    ids = []
    started = time.monotonic()
    with ThreadPoolExecutor(32) as pool:
        futures = []
        for index in range(total):
            target = started + index / args.rate
            pause = target - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            futures.append(pool.submit(create_task, args, admin, index))
        ids = [f.result() for f in futures]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not all(i in watch.assigned for i in ids):
        time.sleep(0.2)
    watch.close()
    values = [(watch.assigned[i] - watch.created[i]) * 1000 for i in ids if i in watch.assigned and i in watch.created]
    result = {"employees": args.employees, "rate": args.rate, "created": len(ids), "assigned": len(values), **summary(values)}
    # Where the time goes: the scheduler (created → proposed) and the tasks service (proposed → assigned).
    for name, start, end in (("scheduler", watch.created, watch.proposed), ("tasks", watch.proposed, watch.assigned)):
        part = summary([(end[i] - start[i]) * 1000 for i in ids if i in start and i in end])
        result[name] = {"p50_ms": part.get("p50_ms"), "p99_ms": part.get("p99_ms")}
    print(json.dumps(result))
    team.close()
    cancel(args, admin, ids)
    return 0 if len(values) == len(ids) else 1


def second_scheduler(args):
    # The stack's own scheduler's environment, on a port of its own.
    env = local_stack().service_environment("scheduler", ORCH_HTTP_PORT="18983", ORCH_LOG_LEVEL="warning")
    process = subprocess.Popen([str(ROOT / ".build/release/orchestrator-scheduler")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if call("http://127.0.0.1:18983/health/ready")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.5)
    process.kill()
    sys.exit("the second scheduler did not become ready")


def throughput(args):
    extra = second_scheduler(args) if args.replicas == 2 else None
    try:
        admin, team = prepare(args)
        watch = Watch(args.amqp_port)
        print(f"creating a backlog of {args.tasks} tasks while everyone is AWAY", flush=True)
        with ThreadPoolExecutor(32) as pool:
            ids = list(pool.map(lambda i: create_task(args, admin, i), range(args.tasks)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(i in watch.created for i in ids):
            time.sleep(0.2)
        time.sleep(2)  # the scheduler has read every creation
        print("everyone AVAILABLE", flush=True)
        released = time.monotonic()
        team.availability("AVAILABLE")
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not all(i in watch.assigned for i in ids):
            time.sleep(0.2)
        watch.close()
        times = sorted(watch.assigned[i] for i in ids if i in watch.assigned)
        span = times[-1] - times[0] if len(times) > 1 else float("nan")
        result = {"replicas": args.replicas, "employees": args.employees, "backlog": args.tasks, "assigned": len(times),
                  "first_after_s": round(times[0] - released, 3), "span_s": round(span, 2),
                  "assignments_per_s": round((len(times) - 1) / span, 1)}
        print(json.dumps(result))
        team.close()
        cancel(args, admin, ids)
        return 0 if len(times) == len(ids) else 1
    finally:
        if extra:
            extra.send_signal(signal.SIGTERM)
            extra.wait(10)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Every default is the local stack's, as it describes itself (compose/orchestrator_stack.py).
    parser.add_argument("--edge", help="the edge's URL")
    parser.add_argument("--notifier", help="a notifier process's ws:// URL")
    parser.add_argument("--amqp-port", type=int)
    parser.add_argument("--pg-port", type=int)
    parser.add_argument("--redis-port", type=int)
    commands = parser.add_subparsers(dest="command", required=True)
    timed = commands.add_parser("latency", help="task.created → task.assigned at a steady rate")
    timed.add_argument("--employees", type=int, default=50)
    timed.add_argument("--rate", type=float, default=100)
    timed.add_argument("--seconds", type=float, default=20)
    drained = commands.add_parser("throughput", help="how fast a backlog is assigned")
    drained.add_argument("--employees", type=int, default=50)
    drained.add_argument("--tasks", type=int, default=2000)
    drained.add_argument("--replicas", type=int, choices=(1, 2), default=1)
    args = parser.parse_args()
    stack = local_stack()
    args.edge = args.edge or stack.edge()
    args.notifier = args.notifier or f"ws://127.0.0.1:{stack.port('notifier')}"
    args.amqp_port = args.amqp_port or stack.amqp_port
    args.pg_port = args.pg_port or stack.database_port("scheduler")
    args.redis_port = args.redis_port or stack.redis_port
    sys.exit(latency(args) if args.command == "latency" else throughput(args))


if __name__ == "__main__":
    main()
