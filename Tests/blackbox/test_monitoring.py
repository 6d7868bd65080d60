"""The monitoring that ships with the stacks (compose/monitoring, docs/operations.md): the alert rules
pass promtool and their own unit tests, the dashboard and the rules ask only for metrics the stack
really exports, and a real Prometheus scrapes every process of the test stack and answers every
query of the dashboard."""
import json
import os
import re
import subprocess
import urllib.parse
from pathlib import Path

import pytest
import yaml

from conftest import SERVICES, get, wait_for

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "compose" / "monitoring"
DASHBOARD = MONITORING / "grafana" / "dashboards" / "orchestrator.json"
# The names a query may use: the services', the process's, Hummingbird's, RabbitMQ's; `up` is Prometheus' own.
METRIC = re.compile(r"\b((?:orchestrator|process|http_server|hb|rabbitmq)_[a-z0-9_]+)\b")


def promtool(*arguments):
    done = subprocess.run(["promtool", *arguments], capture_output=True, text=True, cwd=MONITORING)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def dashboard_queries():
    panels = json.loads(DASHBOARD.read_text())["panels"]
    return {panel["title"]: [target["expr"] for target in panel.get("targets", [])] for panel in panels if panel["type"] != "row"}


def rule_queries():
    groups = yaml.safe_load((MONITORING / "alerts.yml").read_text())["groups"]
    return {rule["alert"]: rule["expr"] for group in groups for rule in group["rules"]}


def exported(stack):
    """Every metric family the stack exports now: each service's /metrics and RabbitMQ's per queue."""
    texts = [get(stack.url(service, "/metrics")).body.decode() for service in SERVICES]
    texts.append(get(f"http://127.0.0.1:{os.environ['ORCH_AMQP_METRICS_PORT']}/metrics/per-object").body.decode())
    names = set()
    for text in texts:
        for line in text.splitlines():
            if line and not line.startswith("#"):
                names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def test_the_alert_rules_and_the_prometheus_configuration_pass_promtool():
    assert "SUCCESS: 12 rules found" in promtool("check", "rules", "alerts.yml")
    promtool("check", "config", "prometheus.yml")
    # Each alert fires in its own case and stays quiet in another (compose/monitoring/alerts.test.yml).
    promtool("test", "rules", "alerts.test.yml")
    tested = set(re.findall(r"alertname: (\w+)", (MONITORING / "alerts.test.yml").read_text()))
    assert tested == set(rule_queries()), "every alert has a case in alerts.test.yml"


def test_the_dashboard_and_the_rules_ask_only_for_metrics_the_stack_exports(stack):
    names = exported(stack)
    queries = {f"panel {title!r}": " ".join(exprs) for title, exprs in dashboard_queries().items()}
    queries |= {f"alert {name}": expr for name, expr in rule_queries().items()}
    for where, expr in queries.items():
        used = set(METRIC.findall(expr))
        assert used or re.search(r"\bup\b", expr), f"{where} uses no metric"
        missing = used - names
        assert not missing, f"{where} asks for {missing}, which nothing exports"


def test_every_panel_and_every_series_label_it_groups_by_exists(stack):
    """Grouping by a label the series do not carry draws one anonymous line: the panels group by
    `service` (set by the scrape configuration), `queue`, `type`, `outcome`, `status`, `state`,
    `channel`, `retry`, `dependency`, `le` — each must be on the metric it is asked of."""
    labels_of = {}
    for service in SERVICES:
        for line in get(stack.url(service, "/metrics")).body.decode().splitlines():
            match = re.match(r"([a-z_]+)\{(.*)\} ", line)
            if match:
                labels_of.setdefault(match.group(1), set()).update(re.findall(r'(\w+)="', match.group(2)))
    scrape_labels = {"service", "instance", "job", "process"}
    for title, exprs in dashboard_queries().items():
        for expr in exprs:
            for grouping, metric in re.findall(r"by \(([^)]*)\)[^a-z]*(?:\w+\()*((?:orchestrator|process|http_server|hb)_\w+)", expr):
                wanted = {label.strip() for label in grouping.split(",")} - scrape_labels
                have = labels_of.get(metric, set())
                assert wanted <= have, f"panel {title!r} groups {metric} by {wanted - have}, which it does not carry"


@pytest.fixture
def prometheus(stack):
    """Prometheus from `compose/local monitoring up` on the test stack, scraping every second."""
    environment = dict(os.environ, ORCH_PROMETHEUS_SCRAPE_INTERVAL="1s")
    local = str(ROOT / "compose" / "local")
    done = subprocess.run([local, "monitoring", "up"], capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    base = f"http://127.0.0.1:{os.environ['ORCH_PROMETHEUS_PORT']}"
    yield base
    subprocess.run([local, "monitoring", "down"], capture_output=True, text=True, env=environment, timeout=60)


def api(base, path, **query):
    reply = get(f"{base}/api/v1/{path}?{urllib.parse.urlencode(query)}", timeout=10)
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["status"] == "success", body
    return body["data"]


def test_prometheus_scrapes_every_process_and_answers_every_query_of_the_dashboard(stack, prometheus):
    def targets_up():
        active = api(prometheus, "targets")["activeTargets"]
        return sorted(t["labels"]["service"] for t in active if t["health"] == "up")

    wanted = sorted(SERVICES + ["rabbitmq"])
    wait_for(lambda: targets_up() == wanted, 30, what=f"Prometheus to scrape {wanted}")
    # A few scrapes, so rates have two points.
    wait_for(lambda: api(prometheus, "query", query="count(count_over_time(up[1m]) >= 3)")["result"]
             and float(api(prometheus, "query", query="count(count_over_time(up[1m]) >= 3)")["result"][0]["value"][1])
             == len(wanted), 30, what="three scrapes of every target")
    for title, exprs in dashboard_queries().items():
        for expr in exprs:
            api(prometheus, "query", query=expr.replace("$__rate_interval", "1m"))
    # The live counts reach it: the tasks service's gauges, RabbitMQ's queues.
    statuses = api(prometheus, "query", query="sum by (status) (orchestrator_tasks)")["result"]
    assert {r["metric"]["status"] for r in statuses} == {"PENDING", "ASSIGNED", "IN_PROGRESS"}
    queues = api(prometheus, "query", query='rabbitmq_queue_messages_ready{queue="scheduler.events"}')["result"]
    assert queues, "RabbitMQ's per-queue metrics"
    # The rules are loaded and evaluate without error.
    rules = [rule for group in api(prometheus, "rules")["groups"] for rule in group["rules"]]
    assert len(rules) == len(rule_queries())
    wait_for(lambda: all(rule["health"] == "ok" for group in api(prometheus, "rules")["groups"] for rule in group["rules"]),
             15, what="every rule evaluated once without error")
