"""A long steady simulation against the local stack, watching for slow decay: memory of every
process, latency drift, errors. Not part of CI (it takes half an hour by default).

    python3 Benchmarks/soak/soak.py                       # 30 minutes at 15 tasks/s, 20 employees
    python3 Benchmarks/soak/soak.py --minutes 5 --rate 10  # a shorter look

Runs against `compose/local up` (release build), logged in as the first admin in a configuration
folder of its own. Every minute it records the memory (proportional set size) of each service
process, the edge, PostgreSQL (all its processes together), RabbitMQ and Redis, and the
simulation's open tasks. At the end it prints memory at the start (after a warm-up minute) and at the end, and
the create → offer latency per five-minute window from the simulation's timeline; it fails when
a service grew by more than the bound (--growth-bound, MiB) or anything was lost or duplicated.
Standard library only.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "compose"))
from orchestrator_stack import Stack  # noqa: E402

STACK = Stack.load()
SERVICES = list(STACK.services)


def state_dir():
    return STACK.state


def resident_kib(pid):
    """Proportional set size: shared pages split among the processes sharing them, so the sum
    over PostgreSQL's processes counts its shared buffers once."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def processes():
    """pid lists per component: each service process by name, and the servers."""
    found = {}
    for pid_file in sorted((state_dir() / "run").glob("*.pid")):
        try:
            found[pid_file.stem] = [int(pid_file.read_text())]
        except (OSError, ValueError):
            pass
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        name = Path(command.decode(errors="replace")).name
        kind = ("rabbitmq" if "beam.smp" in name else "redis" if name.startswith("redis-server")
                else "postgres" if name.startswith("postgres") or command.startswith(b"postgres:")
                else "edge" if command.startswith(b"nginx") else None)
        if kind:
            found.setdefault(kind, []).append(int(entry.name))
    return found


def memory():
    """MiB of memory (PSS) per component now."""
    return {kind: round(sum(resident_kib(pid) for pid in pids) / 1024, 1) for kind, pids in processes().items()}


def percentile(values, fraction):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(fraction * len(values) + 0.5) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=15, help="tasks per second (about half the measured maximum)")
    parser.add_argument("--employees", type=int, default=20)
    parser.add_argument("--growth-bound", type=float, default=32, help="MiB a service may grow between start and end")
    parser.add_argument("--json", help="also write the samples and results to this file")
    args = parser.parse_args()
    if args.minutes <= 0 or args.rate <= 0 or args.employees < 1:
        parser.error("need --minutes > 0, --rate > 0, --employees ≥ 1")

    folder = Path(tempfile.mkdtemp(prefix="orchestrator-soak-"))
    username, password = STACK.admin()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
    env.update(XDG_CONFIG_HOME=str(folder), ORCH_URL=STACK.edge())
    binary = str(ROOT / ".build/release/orchestrator")
    subprocess.run([binary, "login", "--username", username], env={**env, "ORCH_PASSWORD": password}, check=True, capture_output=True)
    stop_file, timeline_file, progress = folder / "stop", folder / "timeline.json", folder / "simulate.log"
    print(f"soak: {args.minutes:g} min at {args.rate:g}/s over {args.employees} employees; working files in {folder}", flush=True)
    with open(progress, "w") as errors:
        simulation = subprocess.Popen(
            [binary, "simulate", "--employees", str(args.employees), "--tasks", "100000000", "--rate", str(args.rate),
             "--failure-rate", "0.05", "--drain", "120", "--stop-file", str(stop_file), "--timeline", str(timeline_file), "--json"],
            env=env, stdout=subprocess.PIPE, stderr=errors, text=True)
        started = time.time()
        samples = []
        try:
            while time.time() - started < args.minutes * 60:
                if simulation.poll() is not None:
                    break
                time.sleep(min(60, max(1, args.minutes * 60 - (time.time() - started))))
                lines = [line for line in progress.read_text().splitlines() if ", open " in line]
                sample = {"minute": round((time.time() - started) / 60, 1), "memory": memory(),
                          "progress": lines[-1].removeprefix("simulate: ") if lines else ""}
                samples.append(sample)
                print(f"  {sample['minute']:>5} min  {sample['progress']}  |  "
                      + ", ".join(f"{k} {v:g}" for k, v in sorted(sample["memory"].items())), flush=True)
        finally:
            stop_file.touch()
            out, _ = simulation.communicate(timeout=900)
    report = json.loads(out) if out.strip().startswith("{") else {}
    timeline = json.loads(timeline_file.read_text()) if timeline_file.exists() else []

    windows = {}
    for task in timeline:
        if task["firstOfferAt"]:
            window = int((task["createdAt"] - started) // 300)
            windows.setdefault(window, []).append((task["firstOfferAt"] - task["createdAt"]) * 1000)
    print("\ncreate → offer per five minutes (ms):")
    print(f"  {'window':<12}{'tasks':>7}{'p50':>9}{'p90':>9}{'p99':>9}{'max':>10}")
    drift = []
    for window in sorted(windows):
        values = windows[window]
        drift.append({"fromMinute": window * 5, "tasks": len(values), "p50": round(percentile(values, .5), 1),
                      "p90": round(percentile(values, .9), 1), "p99": round(percentile(values, .99), 1), "max": round(max(values), 1)})
        row = drift[-1]
        print(f"  {row['fromMinute']:>3}–{row['fromMinute'] + 5:<3} min{row['tasks']:>7}{row['p50']:>9}{row['p90']:>9}{row['p99']:>9}{row['max']:>10}")

    failures = []
    first = samples[0]["memory"] if samples else {}
    last = samples[-1]["memory"] if samples else {}
    print("\nmemory (PSS, MiB), after the first minute → at the end:")
    for kind in sorted(set(first) | set(last)):
        growth = last.get(kind, 0) - first.get(kind, 0)
        print(f"  {kind:<12}{first.get(kind, 0):>9.1f} → {last.get(kind, 0):>7.1f}  ({growth:+.1f})")
        if kind.split("-")[0] in SERVICES and growth > args.growth_bound:
            failures.append(f"{kind} grew {growth:.1f} MiB (bound {args.growth_bound:g})")
    print(f"\nsimulation: {report.get('created', 0)} tasks, {report.get('completed', 0)} completed, {report.get('failed', 0)} failed, "
          f"lost {report.get('lost', '?')}, duplicated {report.get('duplicated', '?')}, "
          f"repeated requests {report.get('repeatedRequests', '?')}, {report.get('lifecyclesPerSecond', '?')} lifecycles/s")
    if simulation.returncode != 0 or not report:
        failures.append(f"the simulation failed (status {simulation.returncode}); see {progress}")
    if report.get("lost") or report.get("duplicated") or report.get("disagreements"):
        failures.append("tasks lost, duplicated or disagreed on")
    print("PASSED" if not failures else "FAILED:\n  " + "\n  ".join(failures))
    if args.json:
        Path(args.json).write_text(json.dumps({"samples": samples, "drift": drift, "simulation": report, "failures": failures}, indent=1))
    sys.exit(0 if not failures else 1)


if __name__ == "__main__":
    main()
