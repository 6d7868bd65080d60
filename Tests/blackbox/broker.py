"""The broker seen from outside, with pika: publish events as another service would, and watch
what the services publish."""
import json
import re
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pika

ROOT = Path(__file__).resolve().parents[2]


def publishers():
    """Each event type's one publisher, from the catalogue in docs/events.md (held to the contracts
    by EventPublisherTests): the `source` a consumer accepts for it."""
    text = (ROOT / "docs" / "events.md").read_text()
    section = text.split("## The catalogue", 1)[1].split("\n## ", 1)[0]
    found = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            for event_type in re.findall(r"`([a-z._]+)`", cells[0]):
                found[event_type] = cells[1]
    return found


PUBLISHERS = publishers()


def now_rfc3339():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Broker:
    def __init__(self, port):
        self.connection = pika.BlockingConnection(pika.ConnectionParameters(host="127.0.0.1", port=port))
        self.channel = self.connection.channel()
        self.channel.confirm_delivery()
        #: task id → employee, for every task a test said (as tasks) was given to someone
        self.handed_out = {}

    def publish(self, event_type, data, source=None, message_id=None, headers=None):
        """Publishes one event in the contract's envelope (with AMQP `headers`, if any), as from
        `source` — by default the type's own publisher, whose name consumers expect — and returns its id."""
        event_id = message_id or str(uuid.uuid4())
        source = source or PUBLISHERS.get(event_type, "tests")
        if source == "tasks" and event_type in ("task.assigned", "task.accepted") and data.get("assigneeId"):
            self.handed_out[data["taskId"]] = data["assigneeId"]
        body = json.dumps({"id": event_id, "type": event_type, "version": 1, "occurredAt": now_rfc3339(),
                           "source": source, "correlationId": str(uuid.uuid4()), "causationId": None, "data": data})
        self.channel.basic_publish(
            exchange="orchestrator.events", routing_key=event_type, body=body,
            properties=pika.BasicProperties(message_id=event_id, type=event_type, delivery_mode=2,
                                            content_type="application/json", headers=headers))
        return event_id

    def watch(self, *event_types):
        """A private queue bound to `event_types`; read it with `collect`."""
        queue = self.channel.queue_declare(queue="", exclusive=True).method.queue
        for event_type in event_types:
            self.channel.queue_bind(queue=queue, exchange="orchestrator.events", routing_key=event_type)
        return queue

    def collect(self, queue, seconds, until=None):
        """The events that arrive on `queue` within `seconds` (or until `until(events)` is true)."""
        events, deadline = [], time.time() + seconds
        while time.time() < deadline:
            method, _, payload = self.channel.basic_get(queue=queue, auto_ack=True)
            if method is None:
                if until and until(events):
                    break
                time.sleep(0.05)
                continue
            events.append(json.loads(payload))
        return events

    def take_back(self):
        """Cancels every task a test handed out with made-up events, so the scheduler does not go
        on counting them against their employees' capacity in the tests that follow."""
        for task_id, employee_id in self.handed_out.items():
            self.publish("task.cancelled", {"taskId": task_id, "version": 1_000_000, "assigneeId": employee_id,
                                            "by": str(uuid.uuid4()), "reason": "a test's made-up task"}, source="tasks")
        self.handed_out.clear()

    def close(self):
        self.connection.close()
