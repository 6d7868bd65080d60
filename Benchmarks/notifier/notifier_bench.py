#!/usr/bin/env python3
"""Notifier capacity and delivery latency, against a running stack (compose/local up).

    .build/test-venv/bin/python Benchmarks/notifier/notifier_bench.py connections --count 10000
    .build/test-venv/bin/python Benchmarks/notifier/notifier_bench.py latency --employees 1000 --rate 200 --seconds 30

`connections` opens COUNT employee WebSockets straight to one notifier (no edge) and reports how
many it holds and its resident memory before and after, per connection. `latency` connects
EMPLOYEES employees (and --idle more that only hold a socket), publishes `task.progressed` events for them at RATE per second into the
broker, as the tasks service would, and measures publish → received on the employee's socket
(both ends on this machine's clock). Tokens are signed with the stack's own secret, read from
its state folder (ORCH_STACK_DIR, default .local-stack) or ORCH_TOKEN_SECRETS.
"""
import argparse
import asyncio
import json
import os
import random
import sys
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pika
import websockets

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from stack import local_stack, open_sockets, raise_file_limit, resident_mib, service_pid, signing_key, summary, token  # noqa: E402


def employee_token(kid, secret, employee):
    return token(kid, secret, employee)


async def connections(args):
    raise_file_limit(args.count)
    kid, secret = signing_key()
    pid = service_pid("notifier")
    before = resident_mib(pid)
    print(f"notifier pid {pid}: {before:.1f} MiB resident before")
    tokens = [employee_token(kid, secret, str(uuid.uuid4())) for _ in range(args.count)]
    started = time.monotonic()
    sockets, failures = await open_sockets(args.url, tokens, args.concurrency)
    elapsed = time.monotonic() - started
    await asyncio.sleep(args.settle)
    open_now = sum(1 for ws in sockets if ws is not None and ws.state == websockets.protocol.State.OPEN)
    after = resident_mib(pid)
    per = (after - before) * 1024 / max(open_now, 1)
    result = {"requested": args.count, "open": open_now, "failed": len(failures), "seconds_to_open": round(elapsed, 1),
              "rss_before_mib": round(before, 1), "rss_after_mib": round(after, 1), "kib_per_connection": round(per, 1)}
    print(json.dumps(result))
    if failures:
        print("first failures:", failures[:3])
    await asyncio.gather(*(ws.close() for ws in sockets if ws is not None), return_exceptions=True)
    return 0 if open_now == args.count else 1


def publisher(amqp_port, employees, rate, seconds, stop, phase):
    """Publishes task.progressed events at a steady rate on its own thread; returns the count."""
    connection = pika.BlockingConnection(pika.ConnectionParameters(host="127.0.0.1", port=amqp_port))
    channel = connection.channel()
    interval = 1 / rate
    next_at = time.monotonic()
    sent = 0
    end = next_at + seconds
    while not stop.is_set() and next_at < end:
        now = time.monotonic()
        if now < next_at:
            time.sleep(next_at - now)
        employee = random.choice(employees)
        event_id = str(uuid.uuid4())
        occurred = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        body = json.dumps({"id": event_id, "type": "task.progressed", "version": 1, "occurredAt": occurred,
                           "source": "tasks", "correlationId": str(uuid.uuid4()), "causationId": None,
                           "data": {"taskId": str(uuid.uuid4()), "version": 2, "assigneeId": employee,
                                    "progress": 50, "note": f"{phase} {time.time_ns()}"}})
        channel.basic_publish(exchange="orchestrator.events", routing_key="task.progressed", body=body,
                              properties=pika.BasicProperties(message_id=event_id, type="task.progressed",
                                                              delivery_mode=2, content_type="application/json"))
        sent += 1
        next_at += interval
    connection.close()
    return sent


def wait_for_quiet_queue(amqp_port, queue="notifier.feed"):
    """Waits until `queue` has been empty for two seconds in a row."""
    connection = pika.BlockingConnection(pika.ConnectionParameters(host="127.0.0.1", port=amqp_port))
    channel = connection.channel()
    quiet_since = None
    while True:
        waiting = channel.queue_declare(queue=queue, passive=True).method.message_count
        if waiting:
            quiet_since = None
            print(f"  {waiting} events still queued for the notifier", flush=True)
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 2:
            break
        time.sleep(1)
    connection.close()


async def latency(args):
    raise_file_limit(args.employees + args.idle)
    kid, secret = signing_key()
    # Events go to the first `employees`; the `idle` others only hold their sockets open.
    everyone = [str(uuid.uuid4()).upper() for _ in range(args.employees + args.idle)]
    employees = everyone[:args.employees]
    tokens = [employee_token(kid, secret, e) for e in everyone]
    latencies = []
    measured = uuid.uuid4().hex  # only events of the measured phase count, not the warm-up's
    wrong = 0
    closed = 0

    def on_message(index, message):
        nonlocal wrong, closed
        received = time.time_ns()
        if message is None:
            closed += 1
            return
        event = json.loads(message)
        phase, _, sent_at = event["data"].get("note", "").partition(" ")
        if event["type"] != "task.progressed" or phase != measured:
            return
        if event["data"]["assigneeId"].upper() != everyone[index]:
            wrong += 1
        latencies.append((received - int(sent_at)) / 1e6)

    print(f"connecting {args.employees} employees (+{args.idle} idle) to {args.url}")
    sockets, failures = await open_sockets(args.url, tokens, args.concurrency, on_message)
    if failures:
        print(f"{len(failures)} sockets failed to open, first: {failures[0]}")
    # Every new session publishes presence.online; let the notifier's queue drain first.
    await asyncio.get_running_loop().run_in_executor(None, wait_for_quiet_queue, args.amqp_port)
    print(f"publishing task.progressed at {args.rate}/s for {args.seconds} s (plus {args.warmup} s warm-up)")
    stop = threading.Event()
    loop = asyncio.get_running_loop()
    warm = loop.run_in_executor(None, publisher, args.amqp_port, employees, args.rate, args.warmup, stop, "warm-up")
    await warm
    run = loop.run_in_executor(None, publisher, args.amqp_port, employees, args.rate, args.seconds, stop, measured)
    while not run.done():
        await asyncio.sleep(5)
        if not run.done():
            print(f"  {len(latencies)} delivered so far", flush=True)
    sent = await run
    deadline = time.monotonic() + 10
    while len(latencies) < sent and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    values = sorted(latencies)
    result = {"employees": args.employees, "idle": args.idle, "rate": args.rate, "sent": sent, "delivered": len(values),
              "misrouted": wrong, "closed": closed, **summary(values)}
    print(json.dumps(result))
    await asyncio.gather(*(ws.close() for ws in sockets if ws is not None), return_exceptions=True)
    return 0 if len(values) == sent and wrong == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("ORCH_NOTIFIER_WS"),
                        help="the notifier itself, not the edge (default: the local stack's first notifier process)")
    parser.add_argument("--amqp-port", type=int, help="the broker's port (default: the local stack's)")
    parser.add_argument("--concurrency", type=int, default=200, help="handshakes in flight")
    commands = parser.add_subparsers(dest="command", required=True)
    held = commands.add_parser("connections", help="how many sockets one notifier holds, and its memory")
    held.add_argument("--count", type=int, default=10_000)
    held.add_argument("--settle", type=float, default=5, help="seconds to wait before measuring memory")
    timed = commands.add_parser("latency", help="publish → delivered latency to connected employees")
    timed.add_argument("--employees", type=int, default=1_000)
    timed.add_argument("--rate", type=float, default=200)
    timed.add_argument("--seconds", type=float, default=30)
    timed.add_argument("--warmup", type=float, default=5)
    timed.add_argument("--idle", type=int, default=0, help="more employees that only hold a socket open")
    args = parser.parse_args()
    args.url = args.url or f"ws://127.0.0.1:{local_stack().port('notifier')}"
    args.amqp_port = args.amqp_port or local_stack().amqp_port
    run = connections if args.command == "connections" else latency
    sys.exit(asyncio.run(run(args)))


if __name__ == "__main__":
    main()
