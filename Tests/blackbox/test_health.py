"""Every service runs against the real servers and reports its health and metrics."""
import pytest

from conftest import REDIS_USERS, SERVICES, get, wait_for


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_reports_ready_with_its_dependencies(stack, service):
    # Ready once its dependencies answer: a test before this one may have just restarted one.
    wait_for(lambda: get(stack.url(service, "/health/ready")).status == 200, 20, what=f"{service} ready")
    reply = get(stack.url(service, "/health/ready"))
    assert reply.status == 200, reply.body
    body = reply.json()
    assert body["status"] == "ready"
    assert body["service"] == service
    expected = {"database", "broker"} | ({"redis"} if service in REDIS_USERS else set())
    assert set(body["checks"]) == expected
    assert all(check["status"] == "up" for check in body["checks"].values())
    # The document's Readiness (common.yaml), which schema fuzzing leaves out (test_schemas.py).
    readiness = get(stack.url(service, "/openapi.json")).json()["components"]["schemas"]["Readiness"]
    assert set(readiness["required"]) <= set(body) and set(body) <= set(readiness["properties"])


@pytest.mark.parametrize("service", SERVICES)
def test_liveness_answers(stack, service):
    reply = get(stack.url(service, "/health/live"))
    assert reply.status == 200
    assert reply.json()["status"] == "live"


@pytest.mark.parametrize("service", SERVICES)
def test_metrics_are_prometheus_text(stack, service):
    get(stack.url(service, "/health/ready"))
    reply = get(stack.url(service, "/metrics"))
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("text/plain")
    text = reply.body.decode()
    assert '# TYPE orchestrator_dependency_up gauge' in text
    assert 'orchestrator_dependency_up{dependency="database"} 1' in text
    # Requests are counted too (the readiness call above at least).
    assert "hb_requests" in text


@pytest.mark.parametrize(
    "path,service",
    [
        ("/api/auth/anything", "auth"),
        ("/api/admin/tasks", "tasks"),
        ("/api/employee/tasks/current", "tasks"),
        ("/api/tasks/x/comments", "tasks"),
        ("/api/scheduler/queue", "scheduler"),
        ("/api/notifications", "notifier"),
        ("/api/analytics/overview", "analytics"),
        ("/openapi/analytics.json", "analytics"),
    ],
)
def test_the_edge_routes_each_prefix_to_its_service(stack, path, service):
    reply = get(stack.edge(path))
    assert reply.headers.get("X-Orchestrator-Service") == service, (reply.status, reply.headers)


def test_the_edge_serves_the_web_ui_at_the_root(stack):
    reply = get(stack.edge("/"))
    assert reply.status == 200
    assert b"<title>Orchestrator</title>" in reply.body


def test_every_hop_of_an_event_is_timed_on_metrics(stack, api, admin):
    """A task created: the tasks relay times its send, the scheduler times the `task.created` it
    took and committed, and the assignment round that commit woke (docs/events.md, "How long a
    hop takes")."""
    import re

    from auth_client import call
    from conftest import wait_for

    status, _, task = call(api("/api/admin/tasks"), "POST", {"name": "Timed hops", "priority": 2}, token=admin)
    assert status == 201, task

    def count(service, series):
        text = get(stack.url(service, "/metrics")).body.decode()
        match = re.search(re.escape(series) + r" (\S+)", text)
        return float(match.group(1)) if match else 0

    try:
        wait_for(lambda: count("tasks", "orchestrator_outbox_send_seconds_count") > 0, 15, what="the tasks relay's send timed")
        for metric in ("orchestrator_event_delivery_seconds", "orchestrator_event_handled_seconds"):
            series = f'{metric}_count{{queue="scheduler.events",type="task.created"}}'
            wait_for(lambda: count("scheduler", series) > 0, 15, what=f"{series} on the scheduler")
        wait_for(lambda: count("scheduler", "orchestrator_assignment_wake_seconds_count") > 0, 15, what="the assigner's wake timed")
        # Buckets down to half a millisecond: a hop takes a few.
        text = get(stack.url("scheduler", "/metrics")).body.decode()
        assert 'orchestrator_event_handled_seconds_bucket{queue="scheduler.events",type="task.created",le="0.0005"}' in text
        # The request that started it too (Hummingbird's own histogram, on the same buckets).
        text = get(stack.url("tasks", "/metrics")).body.decode()
        assert any(line.startswith("http_server_request_duration_bucket{") and 'http_route="/api/admin/tasks"' in line
                   and 'le="0.0005"' in line for line in text.splitlines()), "the create request's buckets"
    finally:
        # Left in the queue, the task would go to the next test's employee.
        assert call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin).status == 200
