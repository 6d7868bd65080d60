#!/usr/bin/env python3
"""Finding tasks among many: how long the admin's list takes (GET /api/admin/tasks) with N tasks
in the table — a search by the beginnings of words of the name, by id, sorts, filters, a deep page.

It runs against the local stack (`compose/local up`), straight to the tasks service (the edge
limits a client's rate). The tasks are written into tasks.tasks by one SQL statement as the
`postgres` user — the list reads only that table, so how they got there does not matter to it —
marked so they can be deleted at the end (they are, unless --keep). Each kind of request is made
--requests times, one after another, with a token signed by the stack's own key.

    .build/test-venv/bin/python Benchmarks/search/search_bench.py --tasks 100000
"""
import argparse
import json
import random
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from stack import local_stack, signing_key, summary, token  # noqa: E402

MARK = "search-bench"
WORDS = ["invoice", "supplier", "refund", "contract", "audit", "payroll", "shipment", "customer", "ticket", "renewal"]
SKILLS = ["billing", "legal", "support", "logistics", "hr"]


def psql(stack, sql):
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    done = subprocess.run(["runuser", "-u", "postgres", "--", str(pg_bin / "psql"), "-h", str(stack.database_socket_dir("tasks")),
                           "-p", str(stack.database_port("tasks")), "-d", "orchestrator", "-v", "ON_ERROR_STOP=1", "-Atc", sql],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


def fill(stack, count):
    """`count` tasks: names of two words and a number, priorities 1–5, statuses in the proportions
    of a working day's history, created over the last 30 days, a quarter with a due date, skills."""
    words = "ARRAY[" + ", ".join(f"'{w}'" for w in WORDS) + "]"
    skills = "ARRAY[" + ", ".join(f"'{s}'" for s in SKILLS) + "]"
    psql(stack, f"""
        INSERT INTO tasks.tasks (id, name, description, priority, required_skills, status, attempt, max_attempts, progress,
            flagged, due_at, version, created_by, created_at, updated_at)
        SELECT gen_random_uuid(),
               initcap(({words})[1 + (i * 7) % 10]) || ' ' || ({words})[1 + (i * 13) % 10] || ' ' || i,
               '{MARK}', 1 + i % 5, ARRAY[({skills})[1 + i % 5]],
               (ARRAY['COMPLETED','COMPLETED','COMPLETED','COMPLETED','FAILED','CANCELLED','PENDING','IN_PROGRESS'])[1 + i % 8],
               1, 3, 0, false,
               CASE WHEN i % 4 = 0 THEN now() + make_interval(hours => (i % 200) - 100) END, 1, gen_random_uuid(),
               now() - make_interval(secs => ((i * 26) % 2592000)::double precision),
               now() - make_interval(secs => ((i * 17) % 2592000)::double precision)
        FROM generate_series(1, {count}) AS i""")
    # Their words, as a creation writes them (the search reads tasks.task_words).
    psql(stack, f"INSERT INTO tasks.task_words (id, words, created_at) SELECT id, to_tsvector('simple', name), created_at "
                f"FROM tasks.tasks WHERE description = '{MARK}'")
    # A table that grew over months has been vacuumed: counts read the index alone.
    psql(stack, "VACUUM ANALYZE tasks.tasks")
    psql(stack, "VACUUM ANALYZE tasks.task_words")


def timed(url, bearer):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {bearer}"})
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as reply:
        body = json.loads(reply.read())
    return (time.perf_counter() - started) * 1000, body


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=100_000, help="tasks to add (default 100,000)")
    parser.add_argument("--requests", type=int, default=200, help="requests of each kind")
    parser.add_argument("--keep", action="store_true", help="leave the added tasks in the table")
    args = parser.parse_args()
    stack = local_stack()
    kid, secret = signing_key()
    admin = token(kid, secret, str(uuid.uuid4()), role="ADMIN")
    base = stack.url("tasks", "/api/admin/tasks")

    print(f"adding {args.tasks:,} tasks to tasks.tasks …", flush=True)
    started = time.monotonic()
    fill(stack, args.tasks)
    total = int(psql(stack, "SELECT count(*) FROM tasks.tasks"))
    print(f"  done in {time.monotonic() - started:.1f} s; the table holds {total:,} tasks", flush=True)
    some_id = psql(stack, f"SELECT id FROM tasks.tasks WHERE description = '{MARK}' ORDER BY random() LIMIT 1")
    rng = random.Random(7)
    kinds = {
        "newest first (the default)": lambda: "?size=20",
        "search: a word": lambda: f"?q={rng.choice(WORDS)}&size=20",
        "search: a word's beginning and a number": lambda: f"?q={rng.choice(WORDS)[:4]}%20{rng.randint(1, 9_999)}&size=20",
        "search: nothing matches": lambda: "?q=zzqx&size=20",
        "search: a whole id": lambda: f"?q={some_id}",
        "sort by priority": lambda: "?sort=priority&size=20",
        "sort by due date, latest first": lambda: "?sort=-due&size=20",
        "status FAILED, by name": lambda: "?status=FAILED&sort=name&size=20",
        "skill, priority 1, overdue": lambda: f"?skill={rng.choice(SKILLS)}&priority=1&overdue=true&size=20",
        "page 2,000 of 20 (deep)": lambda: "?page=2000&size=20",
    }
    results = {}
    try:
        for label, query in kinds.items():
            timed(base + query(), admin)  # warm
            times, found = [], 0
            for _ in range(args.requests):
                elapsed, body = timed(base + query(), admin)
                times.append(elapsed)
                found = body["total"]
            results[label] = {**summary(times), "total": found}
            line = results[label]
            print(f"  {label:<42} p50 {line['p50_ms']:>6.1f} ms  p99 {line['p99_ms']:>6.1f} ms  max {line['max_ms']:>6.1f} ms"
                  f"  ({found:,} found)", flush=True)
    finally:
        if not args.keep:
            psql(stack, f"DELETE FROM tasks.task_words WHERE id IN (SELECT id FROM tasks.tasks WHERE description = '{MARK}')")
            psql(stack, f"DELETE FROM tasks.tasks WHERE description = '{MARK}'")
    print(json.dumps({"tasks": total, "requests": args.requests, "results": results}))


if __name__ == "__main__":
    main()
