#!/usr/bin/env python3
"""How long an account change takes to end the user's tokens everywhere (docs/auth.md,
"Revocation"), against a running stack (compose/local up), through the edge.

    .build/test-venv/bin/python Benchmarks/revocation/revocation_bench.py --rounds 20

Each round registers an employee, logs them in, opens their WebSocket, then has the first admin
deactivate them and measures, from the moment the admin's PATCH was answered: the socket's close
(and its code), and for each service the first refusal (401) of the employee's token, polled
every 5 ms on a route of that service. Prints p50/p90/max in ms per measure, one JSON line.
"""
import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from stack import local_stack, summary  # noqa: E402

ROUTES = {"auth": "/api/auth/me", "tasks": "/api/employee/tasks/current", "scheduler": "/api/scheduler/me",
          "notifier": "/api/notifications", "analytics": "/api/analytics/employees/{id}"}


def call(url, method="GET", body=None, token=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def round_trip(stack, admin_token):
    name = f"revoke-{uuid.uuid4().hex[:10]}"
    status, user = call(stack.edge("/api/auth/register"), "POST", {
        "username": name, "password": "correct horse battery", "fullName": "Revocation Bench", "email": f"{name}@example.com"})
    assert status == 201, (status, user)
    status, session = call(stack.edge("/api/auth/login"), "POST", {"username": name, "password": "correct horse battery"})
    assert status == 200, session
    token = session["token"]
    refused = {}

    def watch(service, path, answered):
        answered.wait()
        while time.monotonic() - answered.at < 10:
            if call(stack.edge(path.format(id=user["id"])), token=token)[0] == 401:
                refused[service] = (time.monotonic() - answered.at) * 1000
                return
            time.sleep(0.005)

    answered = threading.Event()
    watchers = [threading.Thread(target=watch, args=(service, path, answered)) for service, path in ROUTES.items()]
    for watcher in watchers:
        watcher.start()
    with connect(f"ws://127.0.0.1:{stack.edge_port}/ws", additional_headers={"Authorization": f"Bearer {token}"},
                 open_timeout=10) as ws:
        status, _ = call(stack.edge(f"/api/auth/users/{user['id']}"), "PATCH", {"active": False}, token=admin_token)
        answered.at = time.monotonic()
        answered.set()
        assert status == 200
        code, closed = None, None
        try:
            while True:
                ws.recv(timeout=10)
        except ConnectionClosed as ended:
            closed = (time.monotonic() - answered.at) * 1000
            code = ended.rcvd.code if ended.rcvd else None
        except TimeoutError:
            pass
    for watcher in watchers:
        watcher.join()
    return closed, code, refused


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    stack = local_stack()
    username, password = stack.admin()
    status, session = call(stack.edge("/api/auth/login"), "POST", {"username": username, "password": password})
    assert status == 200, session
    closes, codes, refusals = [], set(), {service: [] for service in ROUTES}
    for number in range(args.rounds):
        closed, code, refused = round_trip(stack, session["token"])
        if closed is not None:
            closes.append(closed)
        codes.add(code)
        for service, ms in refused.items():
            refusals[service].append(ms)
        print(f"round {number + 1}/{args.rounds}: socket closed {code} after {closed:.1f} ms; 401 after "
              + ", ".join(f"{service} {ms:.1f}" for service, ms in sorted(refused.items())) + " ms", file=sys.stderr)
    last = [max(values) for values in zip(*(refusals[service] for service in ROUTES))]
    print(json.dumps({"rounds": args.rounds, "socket_closed": summary(closes), "close_codes": sorted(c for c in codes if c),
                      "last_service_401": summary(last),
                      "by_service_401": {service: summary(values) for service, values in refusals.items()}}))


if __name__ == "__main__":
    main()
