"""The whole flow under `orchestrator simulate`, with what it cost: CPU per component, database
transactions and broker messages per lifecycle.

    .build/test-venv/bin/python Benchmarks/flow/flow_bench.py --rate 100 --tasks 3000
    .build/test-venv/bin/python Benchmarks/flow/flow_bench.py --rate 100 150 200 250 --tasks 3000

Runs against the local stack (`compose/local up`; `compose/local scale 2` first for two replicas),
logged in as the first admin in a configuration folder of its own. For each rate it runs one
simulation (50 employees by default, no failures) and prints the simulator's figures, the CPU
each component used per second (100 % = one core) over the whole run and over the work alone
(from the first creation to the last task's end: no bcrypt logins, no final cross-check), the
stack's CPU milliseconds per lifecycle over the work, from PostgreSQL's own counters the
transactions committed and events published and consumed per lifecycle, each component's wake-ups
per lifecycle (its threads' voluntary context switches: every time one slept waiting for
something and was woken), and from the services' `/metrics` how long each hop of each event took
(the relay's send, the broker's delivery, the consumer's commit). `--admin-watching` opens the admin's feed as well (as an admin's dashboard
would) and prints how long each employee action — accept, progress, complete — took from its
request to its event on that feed.
"""
import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))
from stack import ROOT, local_stack  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def component(pid):
    """Which part of the stack a process belongs to, or None."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        owner = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    name = Path(command[0].decode(errors="replace")).name if command and command[0] else ""
    if name.startswith("orchestrator-"):
        return name.removeprefix("orchestrator-")
    if name == "orchestrator":
        return "simulator"
    if "beam.smp" in name:
        return "rabbitmq"
    if name.startswith("redis-server"):
        return "redis"
    if name.startswith("postgres") or b"postgres:" in command[0]:
        return "postgres"
    if name.startswith("nginx") or command[0].startswith(b"nginx"):
        return "edge"
    return None


def cpu_ticks():
    """CPU ticks used so far by each component (processes alive now)."""
    totals = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        kind = component(entry.name)
        if kind is None:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        totals[(kind, entry.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return totals


def wakeups():
    """Voluntary context switches so far of each component's threads (processes alive now): each
    one a thread that went to sleep waiting for something and was woken again."""
    totals = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or (kind := component(entry.name)) is None:
            continue
        count = 0
        try:
            for thread in (entry / "task").iterdir():
                for line in (thread / "status").read_text().splitlines():
                    if line.startswith("voluntary_ctxt_switches:"):
                        count += int(line.split()[1])
        except OSError:
            continue
        totals[(kind, entry.name)] = count
    return totals


def psql(sql, service):
    """`sql` on the PostgreSQL server that holds `service`'s schema."""
    stack = local_stack()
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    out = subprocess.run(["runuser", "-u", "postgres", "--", str(pg_bin / "psql"), "-h", str(stack.database_socket_dir(service)),
                          "-p", str(stack.database_port(service)), "-d", "orchestrator", "-Atc", sql],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def database_counters():
    """Commits and outbox/inbox rows written so far, over every PostgreSQL server of the stack."""
    commits, tables = 0, {}
    for service in local_stack().database_services():
        commits += int(psql("SELECT xact_commit FROM pg_stat_database WHERE datname = 'orchestrator'", service))
        rows = psql("SELECT schemaname || '.' || relname, n_tup_ins FROM pg_stat_user_tables WHERE relname IN ('outbox', 'inbox')",
                    service)
        tables.update(line.split("|") for line in rows.splitlines())
    published = sum(int(v) for k, v in tables.items() if k.endswith(".outbox"))
    consumed = sum(int(v) for k, v in tables.items() if k.endswith(".inbox"))
    return commits, published, consumed


def login(env):
    username, password = local_stack().admin()
    subprocess.run([str(ROOT / ".build/release/orchestrator"), "login", "--username", username], env={**env, "ORCH_PASSWORD": password},
                   check=True, capture_output=True)


def process_ticks(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except OSError:
        return 0


# Each timed hop (docs/events.md), what it spans, and where it is when it has no queue label.
HOPS = {
    "orchestrator_outbox_send_seconds": ("commit → sent by the relay", "outbox"),
    "orchestrator_event_delivery_seconds": ("sent → taken by the consumer", None),
    "orchestrator_event_handled_seconds": ("sent → handled and committed", None),
    "orchestrator_assignment_wake_seconds": ("commit → the round it wakes", "assignment round"),
    "orchestrator_assignment_round_seconds": ("first read → proposals committed", "assignment round"),
    "orchestrator_feed_push_seconds": ("committed → written to a socket", "feed"),
    "http_server_request_duration": ("received → answered", "POST /api/admin/tasks"),
}
HOP_METRICS = tuple(HOPS)
# Of the requests, the one an offer starts from: the admin's create.
REQUESTS = "http_server_request_duration"
CREATE_REQUEST = {"http_route": "/api/admin/tasks", "http_request_method": "POST", "http_response_status_code": "201"}
HOP_SERIES = re.compile(r'^(\w+)_bucket\{(.*?)le="([^"]+)"\} (\S+)$')


def service_addresses():
    """Each service process's address, as `compose/local status` lists them (replicas too)."""
    status = subprocess.run([str(ROOT / "compose" / "local"), "status"], capture_output=True, text=True)
    addresses = {}
    for line in status.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 2 and fields[1].startswith("http://") and fields[0] != "edge":
            addresses[fields[0]] = fields[1]
    return addresses


def hop_buckets():
    """Every service's hop histograms (docs/events.md, "How long a hop takes"): cumulative
    bucket counts by (service, metric, queue, type)."""
    found = {}
    for service, address in service_addresses().items():
        try:
            with urllib.request.urlopen(f"{address}/metrics", timeout=5) as reply:
                text = reply.read().decode()
        except OSError:
            continue
        for line in text.splitlines():
            match = HOP_SERIES.match(line)
            if not match or match.group(1) not in HOP_METRICS:
                continue
            labels = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2)))
            if match.group(1) == REQUESTS and any(labels.get(k) != v for k, v in CREATE_REQUEST.items()):
                continue
            key = (service, match.group(1), labels.get("queue", ""), labels.get("type", ""))
            bound = float("inf") if match.group(3) == "+Inf" else float(match.group(3))
            found.setdefault(key, {})[bound] = float(match.group(4))
    return found


def quantile(buckets, q):
    """The q-quantile of a cumulative histogram, interpolated within its bucket, in ms."""
    bounds = sorted(buckets)
    total = buckets[bounds[-1]]
    if total <= 0:
        return None
    rank, previous_bound, previous_count = q * total, 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return previous_bound * 1000
            share = (rank - previous_count) / (count - previous_count) if count > previous_count else 0
            return (previous_bound + (bound - previous_bound) * share) * 1000
        previous_bound, previous_count = bound, count
    return previous_bound * 1000


def hop_report(before, after):
    lines = []
    for key in sorted(after, key=lambda k: (k[3], k[0], HOP_METRICS.index(k[1]))):
        delta = {bound: count - before.get(key, {}).get(bound, 0) for bound, count in after[key].items()}
        total = delta.get(float("inf"), 0)
        if total <= 0:
            continue
        service, metric, queue, event = key
        span, place = HOPS[metric]
        where = f"{event} at {queue}" if queue else place
        figures = " / ".join(f"{quantile(delta, q):.1f}" for q in (0.5, 0.9, 0.99))
        lines.append(f"  {service:<10} {where:<44} {span:<30} {figures} ms ({int(total)})")
    return lines


def run(rate, args, env):
    """One simulation. CPU is read twice: over the whole run (setup — registering and logging in
    the employees with bcrypt — and the final cross-check included) and over the work alone,
    between the simulator's "creating" and "all tasks ended" lines."""
    before_hops = hop_buckets()
    before_cpu, before_db, started = cpu_ticks(), database_counters(), time.monotonic()
    before_child = resource.getrusage(resource.RUSAGE_CHILDREN)
    simulator = subprocess.Popen([str(ROOT / ".build/release/orchestrator"), "simulate", "--employees", str(args.employees),
                                  "--tasks", str(args.tasks), "--rate", str(rate), "--failure-rate", str(args.failure_rate),
                                  "--drain", "120", "--json"] + (["--admin-watching"] if args.admin_watching else []), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    work = {}
    for line in simulator.stderr:
        if "simulate: creating" in line:
            work["start"] = (cpu_ticks(), process_ticks(simulator.pid), time.monotonic(), wakeups())
        elif "simulate: all tasks ended" in line:
            work["end"] = (cpu_ticks(), process_ticks(simulator.pid), time.monotonic(), wakeups())
    out = simulator.stdout.read()
    simulator.wait()
    seconds = time.monotonic() - started
    after_cpu, after_db = cpu_ticks(), database_counters()
    hops = hop_report(before_hops, hop_buckets())
    report = json.loads(out) if out.strip() else {}
    lifecycles = max(1, report.get("completed", 0) + report.get("failed", 0))

    def usage(before, after, simulator_ticks):
        used = {}
        for key, ticks in after.items():
            if key[0] != "simulator":
                used[key[0]] = used.get(key[0], 0) + ticks - before.get(key, 0)
        used["simulator"] = simulator_ticks
        return used

    # The simulator has exited: what it used is in this process's children's usage.
    child = resource.getrusage(resource.RUSAGE_CHILDREN)
    whole = usage(before_cpu, after_cpu,
                  (child.ru_utime + child.ru_stime - before_child.ru_utime - before_child.ru_stime) * TICKS)
    cpu = {k: round(v / TICKS / seconds * 100) for k, v in sorted(whole.items())}
    load = None
    if "start" in work and "end" in work:
        (cpu0, sim0, t0, woken0), (cpu1, sim1, t1, woken1) = work["start"], work["end"]
        used = usage(cpu0, cpu1, sim1 - sim0)
        woken = {}
        for key, count in woken1.items():
            woken[key[0]] = woken.get(key[0], 0) + count - woken0.get(key, 0)
        load = ({k: round(v / TICKS / (t1 - t0) * 100) for k, v in sorted(used.items())},
                {k: v / TICKS * 1000 / lifecycles for k, v in sorted(used.items())},
                {k: v / lifecycles for k, v in sorted(woken.items())})
    commits, published, consumed = (a - b for a, b in zip(after_db, before_db))
    return report, cpu, load, (commits / lifecycles, published / lifecycles, consumed / lifecycles), simulator.returncode, hops


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, nargs="+", default=[100])
    parser.add_argument("--tasks", type=int, default=3000)
    parser.add_argument("--employees", type=int, default=50)
    parser.add_argument("--failure-rate", type=float, default=0)
    parser.add_argument("--admin-watching", action="store_true",
                        help="an admin's feed open too: how long each employee action takes to show on it")
    args = parser.parse_args()
    config = tempfile.mkdtemp(prefix="flow-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
    env.update(XDG_CONFIG_HOME=config, ORCH_URL=local_stack().edge())
    login(env)
    for rate in args.rate:
        print(f"--- {args.employees} employees, {args.tasks} tasks at {rate:g}/s", flush=True)
        report, cpu, load, (commits, published, consumed), status, hops = run(rate, args, env)
        latency = report.get("createToNotified", {})
        print(f"lost {report.get('lost')}, duplicated {report.get('duplicated')}, disagreements {len(report.get('disagreements', []))}, "
              f"exit {status}")
        print(f"create → notified p50 {latency.get('p50Ms')} ms, p90 {latency.get('p90Ms')} ms, p99 {latency.get('p99Ms')} ms, "
              f"max {latency.get('maxMs')} ms; lifecycles/s {report.get('lifecyclesPerSecond')}; fairness {report.get('fairness')}")
        for action, delays in sorted(report.get("actionToAdmin", {}).items()):
            print(f"{action} → admin's feed p50 {delays.get('p50Ms')} ms, p90 {delays.get('p90Ms')} ms, "
                  f"p99 {delays.get('p99Ms')} ms, max {delays.get('maxMs')} ms")
        print("CPU over the whole run (% of one core): " + ", ".join(f"{k} {v}" for k, v in cpu.items()) + f"; total {sum(cpu.values())}")
        if load:
            percent, per_lifecycle, woken = load
            stack = sum(v for k, v in per_lifecycle.items() if k != "simulator")
            print("CPU while working (% of one core): " + ", ".join(f"{k} {v}" for k, v in percent.items())
                  + f"; total {sum(percent.values())}")
            print("CPU ms per lifecycle while working: " + ", ".join(f"{k} {v:.1f}" for k, v in per_lifecycle.items())
                  + f"; stack (all but the simulator) {stack:.1f}")
            print("wake-ups (voluntary context switches) per lifecycle while working: "
                  + ", ".join(f"{k} {v:.0f}" for k, v in woken.items()) + f"; total {sum(woken.values()):.0f}")
        print(f"per lifecycle: {commits:.1f} transactions committed, {published:.1f} events published, {consumed:.1f} deliveries consumed",
              flush=True)
        if hops:
            print("hops, p50 / p90 / p99 (events):")
            print("\n".join(hops), flush=True)


if __name__ == "__main__":
    main()
