#!/usr/bin/env python3
"""How long one bulk action takes (POST /api/admin/tasks/bulk): N waiting tasks are created (a
skill nobody has, so nothing is offered), then reprioritised and cancelled, each in one request,
--rounds times for each size. It runs against the local stack (`compose/local up`), straight to
the tasks service (the edge limits a client's rate), with an admin token signed by the stack's
own key. The tasks it makes end cancelled.

    .build/test-venv/bin/python Benchmarks/bulk/bulk_bench.py --sizes 100 500 --rounds 3
"""
import argparse
import json
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from stack import local_stack, signing_key, token  # noqa: E402


def call(url, admin, method="GET", body=None):
    request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {admin}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read() or b"null")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500], help="tasks per bulk request (at most 500)")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    kid, secret = signing_key()
    admin = token(kid, secret, str(uuid.uuid4()), role="ADMIN")
    tasks = local_stack().url("tasks", "/api/admin/tasks")
    for size in arguments.sizes:
        for round in range(1, arguments.rounds + 1):
            skill = f"nobody{uuid.uuid4().hex[:6]}"
            print(f"{size} tasks, round {round}: creating…", end="", flush=True)
            ids = [call(tasks, admin, "POST", {"name": f"bulk bench {i}", "priority": 3, "requiredSkills": [skill]})["id"]
                   for i in range(size)]
            took = {}
            for action, extra in (("reprioritise", {"priority": 1}), ("cancel", {"reason": "bulk bench"})):
                started = time.perf_counter()
                result = call(f"{tasks}/bulk", admin, "POST", {"action": action, "ids": ids, **extra})
                took[action] = (time.perf_counter() - started) * 1000
                assert result["changed"] == size, f"{action}: {result['changed']} of {size} changed"
            print(f"\r{size} tasks, round {round}: reprioritise {took['reprioritise']:.0f} ms, cancel {took['cancel']:.0f} ms"
                  f" ({took['cancel'] / size:.2f} ms a task)", flush=True)


if __name__ == "__main__":
    main()
