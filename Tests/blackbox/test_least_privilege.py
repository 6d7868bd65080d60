"""Least privilege between the services (docs/security.md, "Between the services"): each service
signs in to the broker and to Redis as its own user, which may publish only the event types the
service owns (compose/rabbitmq/permissions.conf, made from the event contracts), reach only its own
queues, and run only the Redis commands on the keys it needs (compose/redis/users.acl); and a
consumer dead-letters an event whose envelope names a source that does not publish its type."""
import subprocess
import urllib.parse
import uuid

import pika
import pytest

from conftest import REDIS_USERS, SERVICES, wait_for
from test_dead_letters import letters

#: What each service's user tries and the broker must refuse: a key another service owns, another's
#: queue, the default exchange (which reaches every queue by name), another's retry key.
FOREIGN_KEY = {"auth": "task.completed", "tasks": "assignment.proposed", "scheduler": "task.assigned",
               "notifier": "user.updated", "analytics": "task.completed"}


def credentials(stack, service, variable):
    url = urllib.parse.urlsplit(stack.environment_of(service)[variable])
    return urllib.parse.unquote(url.username or ""), urllib.parse.unquote(url.password or "")


def broker_as(stack, service):
    user, password = credentials(stack, service, "ORCH_AMQP_URL")
    assert user == f"orch_{service}"
    return pika.BlockingConnection(pika.ConnectionParameters(
        host="127.0.0.1", port=stack.amqp_port, credentials=pika.PlainCredentials(user, password)))


def refused(channel_action):
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as closed:
        channel_action()
    assert closed.value.reply_code == 403 and "ACCESS_REFUSED" in closed.value.reply_text, closed.value
    return closed.value.reply_text


@pytest.mark.parametrize("service", SERVICES)
def test_a_services_broker_user_may_say_only_its_own_events_and_read_only_its_own_queues(stack, service):
    connection = broker_as(stack, service)
    try:
        channel = connection.channel()
        channel.confirm_delivery()
        text = refused(lambda: channel.basic_publish("orchestrator.events", FOREIGN_KEY[service], b"{}"))
        assert FOREIGN_KEY[service] in text
        other = "scheduler" if service != "scheduler" else "tasks"
        other_queue = {"scheduler": "scheduler.events", "tasks": "tasks.scheduling"}[other]
        channel = connection.channel()
        refused(lambda: channel.basic_get(other_queue))
        channel = connection.channel()
        channel.confirm_delivery()
        refused(lambda: channel.basic_publish("", other_queue, b"{}"))
        channel = connection.channel()
        channel.confirm_delivery()
        refused(lambda: channel.basic_publish("orchestrator.retry", other_queue, b"{}"))
        channel = connection.channel()
        refused(lambda: channel.queue_delete(other_queue))
    finally:
        connection.close()


def test_a_wrong_password_is_not_let_in(stack):
    with pytest.raises(pika.exceptions.ProbableAuthenticationError):
        pika.BlockingConnection(pika.ConnectionParameters(
            host="127.0.0.1", port=stack.amqp_port, credentials=pika.PlainCredentials("orch_tasks", "not the password")))


@pytest.mark.parametrize("service", sorted(REDIS_USERS))
def test_a_services_redis_user_runs_only_its_own_commands_on_its_own_keys(stack, service):
    user, password = credentials(stack, service, "ORCH_REDIS_URL")
    assert user == f"orch_{service}"

    def redis(*command):
        done = subprocess.run(["redis-cli", "--no-auth-warning", "-p", str(stack.redis_port), "--user", user, "--pass", password,
                               *command], capture_output=True, text=True, timeout=10)
        return done.stdout.strip()

    assert redis("PING") == "PONG"
    for command in (["FLUSHALL"], ["KEYS", "*"], ["CONFIG", "GET", "*"], ["SUBSCRIBE", "x"], ["SCAN", "0"]):
        assert redis(*command).startswith("NOPERM"), command
    # DEBUG is off for everyone (Redis's own default), before any user's rights are asked.
    assert "not allowed" in redis("DEBUG", "SLEEP", "0") or redis("DEBUG", "SLEEP", "0").startswith("NOPERM")
    other = "presence:online" if service == "scheduler" else "scheduler:lock:task:x"
    for command in (["DEL", other], ["GET", other], ["EVAL", "return redis.call('DEL', KEYS[1])", "1", other]):
        assert "NOPERM" in redis(*command) or "No permissions" in redis(*command), command


def test_a_forged_event_under_the_right_key_but_the_wrong_source_is_dead_lettered(api, admin, broker):
    task = str(uuid.uuid4())
    event = broker.publish("task.cancelled", {"taskId": task, "version": 2, "assigneeId": None, "by": str(uuid.uuid4()),
                                              "reason": "forged"}, source="analytics")

    def kept():
        return [letter for letter in letters(api, admin, "scheduler") if letter["messageId"] == event]

    letter = wait_for(kept, 30, what="the scheduler to dead-letter the forged task.cancelled")[0]
    assert letter["attempts"] == 1 and 'the source "analytics" does not publish task.cancelled (tasks does)' in letter["error"]
