"""Two scheduler processes, 1,000 tasks with a mix of required skills, 20 employees of capacities
1–4 that accept and complete what they are offered: every task is proposed and assigned exactly
once, to someone holding its skills, nobody is ever above capacity, and among employees with the
same skills the work per unit of capacity is fair (Jain's index ≥ 0.98). All the while, every
scheduler lock in Redis is deleted every 20 ms and the second process's locks live 1 ms: the
database's conditional updates alone must keep the assignment right."""
import asyncio
import subprocess
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import websockets

from auth_client import call
from conftest import extra_process, sql, wait_for
from helpers import employee, scheduled



SECOND_PORT = 19_631
TASKS = 1_000
HANDLING_SECONDS = 0.3


def jain(values):
    return sum(values) ** 2 / (len(values) * sum(v * v for v in values)) if values else 1.0


@pytest.fixture
def second_scheduler(stack, tmp_path):
    with extra_process(stack, "scheduler", SECOND_PORT, tmp_path / "scheduler-2.log", ORCH_SCHEDULER_LOCK_TTL="1ms") as process:
        yield process


def cancel_waiting_tasks(api, admin):
    """Earlier tests leave PENDING tasks behind; they would take places in this drill's counts."""
    while True:
        status, _, page = call(api("/api/admin/tasks?status=PENDING&size=100"), token=admin)
        assert status == 200, page
        if not page["items"]:
            return
        for task in page["items"]:
            call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)


def lock_breaker(stack, stop):
    """Deletes every scheduler lock, again and again, until `stop` is set."""
    while not stop.is_set():
        keys = subprocess.run(["redis-cli", "-p", str(stack.redis_port), "--scan", "--pattern", "scheduler:lock:*"],
                              capture_output=True, text=True).stdout.split()
        if keys:
            subprocess.run(["redis-cli", "-p", str(stack.redis_port), "DEL", *keys], capture_output=True)
        stop.wait(0.02)


def test_two_schedulers_assign_a_thousand_tasks_once_each_within_capacity_skills_and_fairly(
        stack, api, admin, broker, second_scheduler):
    cancel_waiting_tasks(api, admin)
    watched = broker.watch("assignment.proposed", "task.assigned")
    run = uuid.uuid4().hex[:6]
    alpha, beta = f"alpha-{run}", f"beta-{run}"
    groups = [(alpha,)] * 7 + [(beta,)] * 7 + [(alpha, beta)] * 6
    people = []
    for index, skills in enumerate(groups):
        user, token, _ = employee(api, available=True)
        capacity = index % 4 + 1
        status, _, reply = call(api(f"/api/auth/users/{user['id']}"), "PATCH",
                                {"skills": list(skills), "capacity": capacity}, token=admin)
        assert status == 200, reply
        people.append({"id": user["id"].lower(), "token": token, "skills": set(skills), "capacity": capacity,
                       "handled": 0, "offers": []})
    for person in people:
        wait_for(lambda: (lambda e: e and e["capacity"] == person["capacity"])(scheduled(api, admin, person["id"])), 15,
                 what="the scheduler to learn each employee")

    mix = [(alpha,)] * 400 + [(beta,)] * 400 + [(alpha, beta)] * 200
    required = {}
    pool = ThreadPoolExecutor(max_workers=32)
    problems = []
    stop = threading.Event()

    async def work(person):
        url = f"ws://127.0.0.1:{stack.edge_port}/ws?token={person['token']}"
        loop = asyncio.get_running_loop()
        async with websockets.connect(url, max_queue=None) as ws:
            person["connected"].set()

            async def handle(task_id):
                for action, body in (("accept", None), ("complete", {"message": "done"})):
                    if action == "complete":
                        await asyncio.sleep(HANDLING_SECONDS)
                    status, _, reply = await loop.run_in_executor(
                        pool, lambda: call(api(f"/api/employee/tasks/{task_id}/{action}"), "POST", body, token=person["token"]))
                    if status != 200:
                        problems.append(f"{action} {task_id}: {status} {reply}")
                        return
                person["handled"] += 1

            while not stop.is_set():
                try:
                    message = await asyncio.wait_for(ws.recv(), 0.5)
                except asyncio.TimeoutError:
                    continue
                event = __import__("json").loads(message)
                if event["type"] != "task.assigned" or event["data"]["assigneeId"].lower() != person["id"]:
                    continue
                task_id = event["data"]["taskId"].lower()
                person["offers"].append(task_id)
                asyncio.ensure_future(handle(task_id))

    def create(index):
        skills = mix[index % len(mix)]
        status, _, task = call(api("/api/admin/tasks"), "POST",
                               {"name": f"load {run} {index}", "description": "drill", "priority": 1 + index % 5,
                                "requiredSkills": list(skills)}, token=admin)
        assert status == 201, task
        required[task["id"].lower()] = set(skills)

    async def drill():
        for person in people:
            person["connected"] = asyncio.Event()
        workers = [asyncio.ensure_future(work(person)) for person in people]
        await asyncio.wait_for(asyncio.gather(*(p["connected"].wait() for p in people)), 30)
        for person in people:
            wait_for(lambda: scheduled(api, admin, person["id"])["online"], 15, what="everyone online")
        breaker = threading.Thread(target=lock_breaker, args=(stack, stop), daemon=True)
        breaker.start()
        loop = asyncio.get_running_loop()
        started = time.monotonic()
        await asyncio.gather(*(loop.run_in_executor(pool, create, i) for i in range(TASKS)))
        deadline = time.monotonic() + 240
        while sum(p["handled"] for p in people) < TASKS and time.monotonic() < deadline and not problems:
            await asyncio.sleep(0.5)
        elapsed = time.monotonic() - started
        stop.set()
        await asyncio.gather(*workers, return_exceptions=True)
        breaker.join(5)
        return elapsed

    elapsed = asyncio.run(drill())
    print(f"{TASKS} tasks handled in {elapsed:.1f}s")
    assert not problems, problems[:5]
    mine = {t for p in people for t in p["offers"] if t in required}
    assert len(mine) == TASKS, f"{len(mine)} of {TASKS} tasks reached an employee"

    # Exactly once: one proposal and one offer per task, whatever the locks did.
    events = broker.collect(watched, 30, until=lambda got: sum(1 for e in got if e["type"] == "task.assigned"
                                                                and e["data"]["taskId"].lower() in required) >= TASKS)
    for kind in ("assignment.proposed", "task.assigned"):
        counts = {}
        for event in events:
            if event["type"] == kind and event["data"]["taskId"].lower() in required:
                counts[event["data"]["taskId"].lower()] = counts.get(event["data"]["taskId"].lower(), 0) + 1
        assert len(counts) == TASKS and set(counts.values()) == {1}, (kind, len(counts), max(counts.values()))

    # Nobody held more than their capacity at any moment, by the tasks service's record: each
    # offer ("assign") and each end in the audit trail, in time order. (An employee's socket cannot
    # tell: the offer a completion made room for may reach it before the answer to that completion.)
    ids = ",".join(f"'{task_id}'" for task_id in required)
    most_held = dict(line.split("|") for line in sql(stack, f"""
        SELECT assignee_id, max(held) FROM (
            SELECT assignee_id, sum(change) OVER (PARTITION BY assignee_id ORDER BY at, change, id) AS held
            FROM (SELECT assignee_id, at, id, CASE WHEN action = 'assign' THEN 1 ELSE -1 END AS change
                  FROM tasks.audit
                  WHERE task_id IN ({ids}) AND assignee_id IS NOT NULL
                    AND (action IN ('assign', 'complete', 'fail', 'cancel') OR action LIKE 'requeue%')) AS moves
        ) AS running GROUP BY assignee_id""").splitlines())
    for person in people:
        assert int(most_held.get(person["id"], 0)) <= person["capacity"], (person["id"], most_held.get(person["id"]),
                                                                          person["capacity"])
        for task_id in person["offers"]:
            if task_id in required:
                assert required[task_id] <= person["skills"], (task_id, required[task_id], person["skills"])

    statuses = list(pool.map(lambda t: call(api(f"/api/admin/tasks/{t}"), token=admin).body["status"], required))
    assert statuses.count("COMPLETED") == TASKS

    for skills in {tuple(g) for g in groups}:
        members = [p for p in people if p["skills"] == set(skills)]
        index = jain([p["handled"] / p["capacity"] for p in members])
        print(f"skills {skills}: handled {[p['handled'] for p in members]}, capacities "
              f"{[p['capacity'] for p in members]}, Jain {index:.4f}")
        # The policy itself is exactly fair (unit-tested); here the realised share also depends on
        # how fast each simulated employee turns work round on a saturated machine. Offers now
        # arrive in tens of milliseconds, and one run in four measured 0.983 (a capacity-1 employee
        # cycling fastest), so the bound is 0.98 — still within 2 % of perfectly even.
        assert index >= 0.98, (skills, index)
    pool.shutdown()
