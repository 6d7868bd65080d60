"""What the services count on /metrics moves with what really happens (docs/operations.md): a task's
lifecycle, logins, a poison message, a redelivered one; and every service reports its backlog and
its use of the machine."""
import uuid

import pika
import pytest

from auth_client import call
from conftest import SERVICES, get, wait_for
from helpers import Worker, create_task, login, register


def scrape(stack, service):
    """Every series on a service's /metrics, by its name and labels as printed."""
    text = get(stack.url(service, "/metrics")).body.decode()
    series = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            series[name] = float(value)
    return series


def moved(stack, before, service, series, by=1, timeout=15):
    """Waits until `series` on `service` is at least `by` above its value in `before`."""
    wait_for(lambda: scrape(stack, service).get(series, 0) - before[service].get(series, 0) >= by, timeout,
             what=f"{series} on {service} to rise by {by}")


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_reports_its_outbox_its_publishing_and_its_process(stack, service):
    series = scrape(stack, service)
    for name in ("orchestrator_outbox_pending_events", "orchestrator_outbox_oldest_pending_age_seconds",
                 "orchestrator_events_published_total", "orchestrator_events_confirmed_total",
                 "orchestrator_events_publish_failed_total", "process_cpu_seconds_total",
                 "process_resident_memory_bytes", "process_open_fds", "process_start_time_seconds"):
        assert name in series, f"{name} missing on {service}"
    # Every gauge worked out at scrape time is worked out: a query that fails leaves the gauge at
    # its last value (0 at start), which would look healthy, and counts here at every scrape (an
    # earlier test's database restart may have counted some already).
    failures = "orchestrator_scrape_refresh_failures_total"
    assert scrape(stack, service).get(failures, 0) == series.get(failures, 0), f"a gauge of {service} fails to refresh"
    assert series["process_resident_memory_bytes"] > 1_000_000
    assert series["process_cpu_seconds_total"] > 0
    # Nothing waits long in a healthy outbox.
    assert series["orchestrator_outbox_oldest_pending_age_seconds"] < 30
    # Every type a consumer is bound to shows from the start, at zero if nothing came yet.
    if service != "auth":
        assert any(name.startswith("orchestrator_deliveries_total{") and 'outcome="dead_lettered"' in name for name in series)


def test_a_lifecycle_moves_the_flow_on_every_service(stack, api, admin):
    skill = f"m{uuid.uuid4().hex[:8]}"
    worker = Worker(stack, api, admin, skills=[skill])
    try:
        before = {service: scrape(stack, service) for service in SERVICES}
        assert before["scheduler"]['orchestrator_employees{state="online"}'] >= 1
        assert before["notifier"]["orchestrator_websockets_open"] >= 1
        task = create_task(api, admin, priority=2, skills=[skill])
        [offer] = worker.offers()
        # Offered and not yet accepted: ASSIGNED at its priority.
        assert scrape(stack, "tasks")['orchestrator_tasks{status="ASSIGNED",priority="2"}'] >= 1
        assert offer["data"]["taskId"].lower() == task["id"].lower()
        assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=worker.token).status == 200
        status, _, done = call(api(f"/api/employee/tasks/{task['id']}/complete"), "POST", {"message": "counted"},
                               token=worker.token)
        assert status == 200 and done["status"] == "COMPLETED"

        moved(stack, before, "tasks", 'orchestrator_offers_total{outcome="made"}')
        moved(stack, before, "tasks", "orchestrator_task_first_offer_seconds_count")
        moved(stack, before, "tasks", "orchestrator_task_completion_seconds_count")
        moved(stack, before, "tasks", "orchestrator_events_confirmed_total", by=4)
        moved(stack, before, "scheduler", 'orchestrator_deliveries_total{queue="scheduler.events",type="task.created",outcome="handled"}')
        moved(stack, before, "scheduler", 'orchestrator_deliveries_total{queue="scheduler.events",type="task.completed",outcome="handled"}')
        moved(stack, before, "scheduler", "orchestrator_proposals_total")
        moved(stack, before, "scheduler", 'orchestrator_event_handling_seconds_count{queue="scheduler.events"}')
        moved(stack, before, "tasks", 'orchestrator_deliveries_total{queue="tasks.scheduling",type="assignment.proposed",outcome="handled"}')
        moved(stack, before, "notifier", 'orchestrator_notifications_sent_total{channel="websocket"}')
        moved(stack, before, "analytics", 'orchestrator_deliveries_total{queue="analytics.events",type="task.completed",outcome="handled"}')
    finally:
        worker.close()
    wait_for(lambda: scrape(stack, "notifier")["orchestrator_websockets_closed_total{reason=\"client_left\"}"]
             > before["notifier"]['orchestrator_websockets_closed_total{reason="client_left"}'], 15,
             what="the closed socket counted")


def test_logins_are_counted_by_outcome(stack, api):
    (status, _, _), body = register(api)
    assert status == 201
    before = {"auth": scrape(stack, "auth")}
    client = f"10.2.{uuid.uuid4().int % 250}.1"
    assert login(api, body["username"], "not the password", client=client).status == 401
    assert login(api, body["username"], body["password"], client=client).status == 200
    after = scrape(stack, "auth")
    assert after['orchestrator_logins_total{outcome="failed"}'] - before["auth"]['orchestrator_logins_total{outcome="failed"}'] == 1
    assert after['orchestrator_logins_total{outcome="ok"}'] - before["auth"]['orchestrator_logins_total{outcome="ok"}'] >= 1


def test_a_poison_message_is_counted_dead_lettered_and_a_redelivery_a_duplicate(stack, broker):
    before = {"scheduler": scrape(stack, "scheduler")}
    dead = 'orchestrator_deliveries_total{queue="scheduler.events",type="task.cancelled",outcome="dead_lettered"}'
    duplicate = 'orchestrator_deliveries_total{queue="scheduler.events",type="task.cancelled",outcome="duplicate"}'
    handled = 'orchestrator_deliveries_total{queue="scheduler.events",type="task.cancelled",outcome="handled"}'

    # A body that is not the contract: dead-lettered at once, counted under its type.
    broker.channel.basic_publish(
        exchange="orchestrator.events", routing_key="task.cancelled", body=b"{not json",
        properties=pika.BasicProperties(message_id=str(uuid.uuid4()), type="task.cancelled", delivery_mode=2))
    moved(stack, before, "scheduler", dead)

    # The same event twice (a made-up task's, far in the future): handled once, then a duplicate.
    data = {"taskId": str(uuid.uuid4()), "version": 1_000_000, "assigneeId": None, "by": str(uuid.uuid4()),
            "reason": "counted twice"}
    event_id = broker.publish("task.cancelled", data, source="tasks")
    moved(stack, before, "scheduler", handled)
    broker.publish("task.cancelled", data, source="tasks", message_id=event_id)
    moved(stack, before, "scheduler", duplicate)
    after = scrape(stack, "scheduler")
    assert after[handled] - before["scheduler"][handled] == 1
