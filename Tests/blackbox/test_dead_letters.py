"""Dead letters an admin can act on (docs/operations.md, "Dead letters"): each service keeps what its
consumers dead-letter in its own table and answers for it at /api/dead-letters/{service} through the
edge — list, read, replay (through the inbox: its effect happens once), discard."""
import uuid

import pika
import pytest

from auth_client import call
from conftest import SERVICES, sql, wait_for
from helpers import employee


def letters(api, admin, service, **query):
    path = f"/api/dead-letters/{service}" + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    status, _, page = call(api(path), token=admin)
    assert status == 200, page
    return page["items"]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_answers_for_its_own_dead_letters_and_only_to_admins(api, admin, service):
    status, _, page = call(api(f"/api/dead-letters/{service}"), token=admin)
    assert status == 200 and isinstance(page["items"], list), page
    _, worker, _ = employee(api)
    assert call(api(f"/api/dead-letters/{service}"), token=worker).status == 403
    assert call(api(f"/api/dead-letters/{service}")).status == 401
    assert call(api(f"/api/dead-letters/{service}"), token="not.a.token").status == 401
    for query, field in (("limit=0", "limit"), ("limit=501", "limit"), ("limit=ten", "limit"), ("before=0", "before"),
                         ("before=x", "before"), ("queue=", "queue"), ("type=" + "t" * 201, "type"),
                         ("queue=a%00b", "queue")):
        status, _, error = call(api(f"/api/dead-letters/{service}?{query}"), token=admin)
        assert status == 422 and error["error"]["field"] == field, (query, error)
    assert call(api(f"/api/dead-letters/{service}/not-an-id"), token=admin).status == 400
    for method, path in (("GET", "/987654321"), ("DELETE", "/987654321"), ("POST", "/987654321/replay")):
        status, _, error = call(api(f"/api/dead-letters/{service}{path}"), method, token=admin)
        assert status == 404 and error["error"]["code"] == "not_found", (method, path, error)
    # Filters that match nothing replay and discard nothing.
    status, _, done = call(api(f"/api/dead-letters/{service}/replay?type=no.such.type"), "POST", token=admin)
    assert status == 200 and done == {"replayed": 0}
    status, _, done = call(api(f"/api/dead-letters/{service}?type=no.such.type"), "DELETE", token=admin)
    assert status == 200 and done == {"discarded": 0}


def test_no_service_answers_for_another_or_for_a_name_that_is_none(api, admin):
    status, _, error = call(api("/api/dead-letters/nobody"), token=admin)
    assert status == 404, error


def test_a_failing_message_is_kept_replayed_once_the_cause_is_fixed_and_takes_effect_once(stack, api, admin, broker, refused_task):
    task = refused_task
    created = {"taskId": task, "version": 1, "assigneeId": None, "name": "dead-letter drill", "priority": 5,
               "requiredSkills": ["nobody-has-this"], "dueAt": None, "maxAttempts": 1, "createdBy": str(uuid.uuid4())}
    event = broker.publish("task.created", created, source="tasks")
    broker.handed_out[task] = str(uuid.uuid4())  # cancelled at the end (Broker.take_back)

    def kept():
        return [letter for letter in letters(api, admin, "scheduler", type="task.created") if letter["messageId"] == event]

    wait_for(kept, 60, what="the scheduler to keep the failing task.created as a dead letter")
    [letter] = kept()
    assert letter["queue"] == "scheduler.events" and letter["routingKey"] == "task.created"
    assert letter["attempts"] == 5 and letter["times"] == 1
    assert "the test refuses task" in letter["error"]
    status, _, full = call(api(f"/api/dead-letters/scheduler/{letter['id']}"), token=admin)
    assert status == 200 and task in full["body"] and full["headers"]["x-orch-queue"] == "scheduler.events"
    # Only the scheduler failed: the other consumers of task.created handled it.
    assert not [x for x in letters(api, admin, "analytics") if x["messageId"] == event]
    assert sql(stack, f"SELECT count(*) FROM scheduler.tasks WHERE id = '{task}'") == "0"

    sql(stack, "DROP TRIGGER refuse_for_test ON scheduler.tasks")
    status, _, done = call(api(f"/api/dead-letters/scheduler/{letter['id']}/replay"), "POST", token=admin)
    assert status == 200 and done == {"replayed": 1}
    wait_for(lambda: sql(stack, f"SELECT count(*) FROM scheduler.tasks WHERE id = '{task}'") == "1", 15,
             what="the replayed task.created to take effect")
    assert not kept()
    # Once: the inbox holds the message once, and replaying it again finds nothing to replay.
    assert sql(stack, f"SELECT count(*) FROM scheduler.inbox WHERE message_id = '{event}'") == "1"
    assert call(api(f"/api/dead-letters/scheduler/{letter['id']}/replay"), "POST", token=admin).status == 404


def test_a_discarded_dead_letter_is_gone(stack, api, admin, broker):
    message = str(uuid.uuid4())
    broker.channel.basic_publish(
        exchange="orchestrator.events", routing_key="task.cancelled", body=b"{not json",
        properties=pika.BasicProperties(message_id=message, type="task.cancelled", delivery_mode=2))

    def kept(service):
        return [letter for letter in letters(api, admin, service, type="task.cancelled") if letter["messageId"] == message]

    wait_for(lambda: kept("scheduler") and kept("analytics"), 30, what="the poison kept by the scheduler and analytics")
    [letter] = kept("scheduler")
    assert letter["attempts"] == 1 and "cannot decode" in letter["error"]
    status, _, done = call(api(f"/api/dead-letters/scheduler/{letter['id']}"), "DELETE", token=admin)
    assert status == 200 and done == {"discarded": 1}
    assert call(api(f"/api/dead-letters/scheduler/{letter['id']}"), token=admin).status == 404
    assert not kept("scheduler")
    # Discarding by queue and type takes analytics' copy, and only from analytics.
    status, _, done = call(api("/api/dead-letters/analytics?queue=analytics.events&type=task.cancelled"), "DELETE", token=admin)
    assert status == 200 and done["discarded"] >= 1
    assert not kept("analytics")
