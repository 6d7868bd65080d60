#!/usr/bin/env python3
"""Failure drills against a running local stack; `compose/local chaos` runs this.

While `orchestrator simulate` keeps a steady load on the stack, every fault is injected once, one
at a time (each waits until the stack has recovered and settled), and then a number of faults at
random moments, without waiting for the one before to heal. The faults: kill -9 every process of
a service (its supervisor restarts it), restart RabbitMQ, PostgreSQL or Redis, and expire every
scheduler lock in Redis again and again for a few seconds.

At the end the simulator checks every task it created against the employees' view and the audit
trail. This script then attributes each task to the faults whose window it lived through, and
checks that no employee holds more than their capacity (and the simulation's employees hold
nothing and are offline once it is over) and that no message was dead-lettered during the
drill. It prints one line per fault: how long until the stack was ready and the flow moving
again, the tasks in flight meanwhile, how many of them were lost or duplicated, the longest
wait for an offer among them.

Only the standard library: it runs with the machine's python3.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import orchestrator_stack

SERVICES = ["auth", "tasks", "scheduler", "notifier", "analytics"]
INFRASTRUCTURE = ["rabbitmq", "postgres", "redis"]
ALL_FAULTS = [f"kill:{s}" for s in SERVICES] + ["expire-locks"] + [f"restart:{c}" for c in INFRASTRUCTURE]
LOCK_PATTERN = "scheduler:lock:*"
# Deletes every key matching ARGV[1] and answers how many there were.
EXPIRE_SCRIPT = "local keys = redis.call('KEYS', ARGV[1]) for _, k in ipairs(keys) do redis.call('DEL', k) end return #keys"


def log(line: str) -> None:
    print(f"chaos: {line}", file=sys.stderr, flush=True)


class Stack(orchestrator_stack.Stack):
    """The running stack (as compose/local describes it) and what a drill does to it."""

    def of(self, service: str) -> list:
        return [name for name in self.processes if name == service or name.startswith(service + "-")]

    def pid(self, instance: str):
        try:
            return super().pid(instance)
        except (OSError, ValueError):
            return None

    def ready(self, instance: str) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.processes[instance]}/health/ready", timeout=1) as reply:
                return reply.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def redis(self, *args: str) -> str:
        return subprocess.run(["redis-cli", "-p", str(self.redis_port), *args], capture_output=True, text=True).stdout.strip()

    def dead_letters(self) -> dict:
        """Dead letters by `<queue>.dead`: those each service keeps (its admin API, counting a
        message as often as it was dead-lettered) and any still on their way in the broker's queue."""
        queues = {}
        for line in self.compose("infra", "queues").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0].endswith(".dead") and parts[1].isdigit():
                queues[parts[0]] = int(parts[1])
        for service in SERVICES:
            before = ""
            while True:
                page = self.call("GET", f"/api/dead-letters/{service}?limit=500{before}", token=self.admin_token())
                for letter in page["items"]:
                    queue = letter["queue"] + ".dead"
                    queues[queue] = queues.get(queue, 0) + letter["times"]
                if page.get("nextBefore") is None:
                    break
                before = f"&before={page['nextBefore']}"
        return queues

    _token = (0.0, "")

    def admin_token(self) -> str:
        """The first admin's token, renewed every five minutes."""
        if time.time() - self._token[0] > 300:
            username, password = self.admin()
            reply = self.call("POST", "/api/auth/login", {"username": username, "password": password})
            self._token = (time.time(), reply["token"])
        return self._token[1]

    def call(self, method: str, path: str, body=None, token=None):
        request = urllib.request.Request(self.edge(path), method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read() or b"null")


class Sampler(threading.Thread):
    """Asks every process whether it is ready, ten times a second, and remembers the answers."""

    def __init__(self, stack: Stack):
        super().__init__(daemon=True)
        self.stack = stack
        self.samples = []  # (time, every process ready, pids)
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            at = time.time()
            ready = all(self.stack.ready(instance) for instance in self.stack.processes)
            pids = {instance: self.stack.pid(instance) for instance in self.stack.processes}
            self.samples.append((at, ready, pids))
            self.stopping.wait(0.1)

    def back_after(self, since: float, replaced: dict):
        """The first moment after `since` when everything was ready and every killed process
        (instance → its old pid) had been replaced."""
        for at, ready, pids in list(self.samples):
            if at >= since and ready and all(pids.get(i) not in (None, old) for i, old in replaced.items()):
                return at
        return None


@dataclass
class Fault:
    kind: str
    phase: str
    started: float = 0.0
    injected: float = 0.0
    replaced: dict = field(default_factory=dict)
    note: str = ""
    back: float = None
    flowing: float = None

    @property
    def title(self) -> str:
        action, _, target = self.kind.partition(":")
        return {"kill": f"kill -9 {target}", "restart": f"restart {target}"}.get(action, "expire Redis locks")

    def inject(self, stack: Stack):
        self.started = time.time()
        action, _, target = self.kind.partition(":")
        if action == "kill":
            for instance in stack.of(target):
                pid = stack.pid(instance)
                if pid:
                    self.replaced[instance] = pid
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self.note = f"{len(self.replaced)} process(es)"
        elif action == "restart":
            stack.compose("infra", "stop", target)
            stack.compose("infra", "start", target)
        else:
            expired, until = 0, time.time() + 3
            while time.time() < until:
                expired += int(stack.redis("EVAL", EXPIRE_SCRIPT, "0", LOCK_PATTERN) or 0)
                time.sleep(0.01)
            self.note = f"{expired} lock(s) expired"
        self.injected = time.time()

    def recovered(self):
        """Seconds from the fault until the stack was ready and offers flowed again."""
        ends = [t for t in (self.back, self.flowing) if t is not None]
        return max(ends) - self.started if self.back is not None else None


def parse_arguments():
    parser = argparse.ArgumentParser(prog="compose/local chaos", description=__doc__.split("\n\n")[1],
                                     epilog=f"faults: {', '.join(ALL_FAULTS)}")
    parser.add_argument("--quick", action="store_true", help="the short drill the test command runs")
    parser.add_argument("--faults", default=",".join(ALL_FAULTS), help="the faults, in order (default: all)")
    parser.add_argument("--random", type=int, help="faults at random moments after the ordered ones (default 8, quick 3)")
    parser.add_argument("--rate", type=float, help="tasks created per second (default 15, quick 5)")
    parser.add_argument("--employees", type=int, help="simulated employees (default 20, quick 8)")
    parser.add_argument("--settle", type=float, help="seconds of steady load after each recovery (default 8, quick 2)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="for the random faults and their moments")
    parser.add_argument("--json", help="also write the results to this file")
    arguments = parser.parse_args()
    quick = arguments.quick
    arguments.random = arguments.random if arguments.random is not None else (3 if quick else 8)
    # Well under what the team can work off, so a fault's backlog drains in seconds: 8 simulated
    # employees (15 places) on the test stack's debug build complete about 9 tasks/s, and at 8/s
    # a broker restart's backlog took minutes to drain (docs/drills.md).
    arguments.rate = arguments.rate if arguments.rate is not None else (5.0 if quick else 15.0)
    arguments.employees = arguments.employees if arguments.employees is not None else (8 if quick else 20)
    arguments.settle = arguments.settle if arguments.settle is not None else (2.0 if quick else 8.0)
    arguments.faults = [f.strip() for f in arguments.faults.split(",") if f.strip()]
    unknown = [f for f in arguments.faults if f not in ALL_FAULTS]
    if unknown:
        parser.error(f"unknown fault(s) {', '.join(unknown)}; known: {', '.join(ALL_FAULTS)}")
    if arguments.rate <= 0 or arguments.employees < 1 or arguments.random < 0 or arguments.settle < 0:
        parser.error("need --rate > 0, --employees ≥ 1, --random ≥ 0, --settle ≥ 0")
    return arguments


def wait_until(condition, timeout: float, what: str):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise RuntimeError(f"gave up waiting for {what} after {timeout:.0f} s")


class Simulation:
    """`orchestrator simulate` in the background, logged in as the first admin."""

    def __init__(self, stack: Stack, arguments, folder: Path):
        self.folder = folder
        self.stop_file = folder / "stop"
        self.timeline_file = folder / "timeline.json"
        self.progress = folder / "simulate.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
        username, password = stack.admin()
        env.update(XDG_CONFIG_HOME=str(folder / "cli"), ORCH_URL=stack.edge(), ORCH_PASSWORD=password)
        binary = str(stack.bin_dir / "orchestrator")
        login = subprocess.run([binary, "login", "--username", username], env=env, capture_output=True, text=True)
        if login.returncode != 0:
            raise RuntimeError(f"could not log in as the first admin: {login.stderr.strip()}")
        self.errors = open(self.progress, "w")
        self.process = subprocess.Popen(
            [binary, "simulate", "--employees", str(arguments.employees), "--tasks", "1000000", "--rate", str(arguments.rate),
             "--failure-rate", "0.1", "--drain", "180", "--stop-file", str(self.stop_file),
             "--timeline", str(self.timeline_file), "--json"],
            env=env, stdout=subprocess.PIPE, stderr=self.errors, text=True)

    def started(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"the simulation ended early:\n{self.progress.read_text()[-2000:]}")
        return "creating up to" in self.progress.read_text()

    def open(self):
        """Tasks created and not yet ended, from the simulation's last progress line."""
        for line in reversed(self.progress.read_text().splitlines()):
            if ", open " in line:
                return int(line.rsplit(", open ", 1)[1])
        return None

    @property
    def run(self) -> str:
        for line in self.progress.read_text().splitlines():
            if "(run " in line:
                return line.rsplit("(run ", 1)[1].rstrip(")")
        return ""

    def finish(self):
        self.stop_file.touch()
        out, _ = self.process.communicate(timeout=600)
        self.errors.close()
        report = json.loads(out) if out.strip().startswith("{") else {}
        timeline = json.loads(self.timeline_file.read_text()) if self.timeline_file.exists() else []
        return self.process.returncode, report, timeline


def attribute(faults, timeline, baseline_end: float):
    """Each fault's recovery and the tasks alive during it. The flow counts as recovered once
    work created after the fault is offered at the normal pace again: the normal wait is three
    times the p99 before the first fault (at least a second), and the flow recovered when the
    last task created between this fault and the next that waited longer was offered."""
    before = sorted(t["firstOfferAt"] - t["createdAt"] for t in timeline if t["createdAt"] < baseline_end and t["firstOfferAt"])
    normal = max(1.0, 3 * before[int(0.99 * (len(before) - 1))]) if before else 2.0
    rows = []
    for fault in faults:
        following = min([f.started for f in faults if f.started > fault.started], default=float("inf"))
        mine = [t for t in timeline if fault.started <= t["createdAt"] < following]
        # A task created too close to the next fault for a normal offer before it is that one's.
        slow = [t for t in mine if t["createdAt"] + normal < following
                and (t["firstOfferAt"] is None or t["firstOfferAt"] - t["createdAt"] > normal)]
        fault.flowing = max((t["firstOfferAt"] or float("inf") for t in slow), default=None)
        recovered = fault.recovered()
        window_end = fault.started + recovered if recovered is not None else float("inf")
        affected = [t for t in timeline
                    if t["createdAt"] <= window_end and (t["endedAt"] is None or t["endedAt"] >= fault.started)]
        waits = [t["firstOfferAt"] - t["createdAt"] for t in affected if t["firstOfferAt"]]
        rows.append({
            "fault": fault.title, "phase": fault.phase, "note": fault.note,
            "recoveredSeconds": None if recovered is None or recovered == float("inf") else round(recovered, 2),
            "affected": len(affected), "lost": sum(t["lost"] for t in affected),
            "duplicated": sum(t["duplicated"] for t in affected),
            "longestWaitSeconds": round(max(waits), 2) if waits else None,
        })
    return rows, normal


def print_table(rows, report):
    headers = ["FAULT", "PHASE", "RECOVERED IN", "TASKS AFFECTED", "LOST", "DUPLICATED", "LONGEST WAIT", "NOTE"]
    lines = [[r["fault"], r["phase"], "never" if r["recoveredSeconds"] is None else f"{r['recoveredSeconds']:.1f} s",
              str(r["affected"]), str(r["lost"]), str(r["duplicated"]),
              "-" if r["longestWaitSeconds"] is None else f"{r['longestWaitSeconds']:.1f} s", r["note"]] for r in rows]
    lines.append(["whole drill", "", "", str(report.get("created", "?")), str(report.get("lost", "?")),
                  str(report.get("duplicated", "?")), "", f"{report.get('repeatedRequests', '?')} requests repeated"])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    for line in [headers] + lines:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip())


def check_team(stack: Stack, run: str):
    """Nobody above capacity; the simulation's employees hold nothing once every task ended, and
    are seen offline once their sockets closed (a lost presence would leave them offered work)."""
    token = stack.admin_token()
    problems = []

    def look():
        problems.clear()
        for employee in stack.call("GET", "/api/scheduler/employees", token=token)["items"]:
            if employee["load"] > employee["capacity"]:
                problems.append(f"{employee['username']} holds {employee['load']} tasks, capacity {employee['capacity']}")
            elif run and employee["username"].startswith(f"sim-{run}-"):
                if employee["load"] != 0:
                    problems.append(f"{employee['username']} still holds {employee['load']} tasks after the drill")
                if employee["online"]:
                    problems.append(f"{employee['username']} is still online after their socket closed")
        return not problems

    try:
        wait_until(look, 60, "the scheduler's view of the team to settle")
    except RuntimeError:
        pass
    return problems


def main():
    arguments = parse_arguments()
    stack = Stack.load()
    chooser = random.Random(arguments.seed)
    not_ready = [i for i in stack.processes if not stack.ready(i)]
    if not_ready:
        sys.exit(f"chaos: the stack is not ready ({', '.join(not_ready)}); start it with compose/local up")
    dead_before = stack.dead_letters()
    folder = Path(tempfile.mkdtemp(prefix="orchestrator-chaos-"))
    log(f"seed {arguments.seed}; {len(arguments.faults)} faults in order, then {arguments.random} at random; "
        f"load {arguments.rate}/s over {arguments.employees} employees; working files in {folder}")
    sampler = Sampler(stack)
    sampler.start()
    simulation = Simulation(stack, arguments, folder)
    faults = []
    started = baseline_end = time.time()
    aborted = None
    try:
        wait_until(simulation.started, 120, "the simulation to start creating")
        time.sleep(arguments.settle + 1)
        # Tasks in flight under steady load, plus two seconds' worth of new work: once no more
        # than that are open, a fault's backlog has been worked off. Sampled for five seconds
        # once the load has ramped up (a sample taken during the ramp was below the steady
        # state of a slow machine, which then never looked "worked off").
        samples = []
        for _ in range(10):
            samples.append(simulation.open() or 0)
            time.sleep(0.5)
        baseline_end = time.time()
        backlog = max(samples) + int(2 * arguments.rate) + 2
        plan = [(kind, "one at a time") for kind in arguments.faults]
        plan += [(chooser.choice(ALL_FAULTS), "at random") for _ in range(arguments.random)]
        for number, (kind, phase) in enumerate(plan, 1):
            fault = Fault(kind, phase)
            if phase == "at random":
                time.sleep(chooser.uniform(0.5, max(1.0, arguments.settle * 2)))
            log(f"[{number}/{len(plan)}] {fault.title} ({phase})")
            fault.inject(stack)
            faults.append(fault)
            if phase == "one at a time":
                wait_until(lambda: sampler.back_after(fault.injected, fault.replaced), 180, f"recovery from {fault.title}")
                # The backlog the fault built up is worked off before the next one.
                wait_until(lambda: (simulation.open() or float("inf")) <= backlog, 180, "the backlog to be worked off")
                time.sleep(arguments.settle)
        log("every fault injected; waiting for the stack to be ready, then draining the simulation")
        last = faults[-1] if faults else None
        if last:
            wait_until(lambda: sampler.back_after(last.injected, last.replaced), 180, "the stack to be ready")
        time.sleep(arguments.settle)
    except RuntimeError as error:
        aborted = str(error)
        log(f"drill aborted: {aborted}")
    finally:
        status, report, timeline = simulation.finish()
        sampler.stopping.set()
        sampler.join()
    for fault in faults:
        fault.back = sampler.back_after(fault.injected, fault.replaced)
    rows, normal = attribute(faults, timeline, baseline_end)
    dead_after = stack.dead_letters()
    dead_new = {q: n - dead_before.get(q, 0) for q, n in dead_after.items() if n > dead_before.get(q, 0)}
    load_problems = check_team(stack, simulation.run)

    print()
    print_table(rows, report)
    print()
    failures = [f"the drill was aborted: {aborted}"] if aborted else []
    if status != 0 or not report:
        failures.append(f"the simulation failed (status {status}); see {simulation.progress}")
    if report.get("lost", 0):
        failures.append(f"{report['lost']} task(s) lost: {[t['id'] for t in timeline if t['lost']][:5]}")
    if report.get("duplicated", 0):
        failures.append(f"{report['duplicated']} task(s) duplicated: {report.get('duplicates', [])[:5]}")
    if report.get("disagreements"):
        failures.append(f"the employees and the API disagree: {report['disagreements'][:5]}")
    failures += [f"never recovered from {f.title}" for f in faults if f.back is None]
    failures += [f"dead-lettered during the drill: {n} in {q}" for q, n in dead_new.items()]
    failures += load_problems
    stale = {q: n for q, n in dead_before.items() if n}
    print(f"dead letters: {sum(dead_after.values())} message(s) of {len(dead_after)} queue(s)"
          + (f" (already there before the drill: {stale})" if stale else "") + f"; new during the drill: {sum(dead_new.values())}")
    print(f"team: {'every employee within capacity; the simulation’s employees hold nothing and are offline' if not load_problems else '; '.join(load_problems)}")
    print(f"recovered: every process ready again and new work offered within the normal wait ({normal:.1f} s) again")
    print(f"drill: {time.time() - started:.0f} s, seed {arguments.seed}; "
          f"simulation: {report.get('created', 0)} tasks, {report.get('completed', 0)} completed, {report.get('failed', 0)} failed, "
          f"p50 create→offer {report.get('createToNotified', {}).get('p50Ms', '?')} ms")
    print("PASSED" if not failures else "FAILED:\n  " + "\n  ".join(failures))
    if arguments.json:
        Path(arguments.json).write_text(json.dumps({
            "seed": arguments.seed, "faults": rows, "simulation": report, "deadLettersBefore": dead_before,
            "deadLettersAfter": dead_after, "newDeadLetters": dead_new, "loadProblems": load_problems, "failures": failures,
        }, indent=1))
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
