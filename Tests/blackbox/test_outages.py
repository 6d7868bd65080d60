"""A dependency that goes away turns readiness to 503 naming it; when it comes back the same
processes turn ready again by themselves."""
import uuid

import pytest

from auth_client import call
from conftest import REDIS_USERS, SERVICES, get, wait_for


def failing(stack, service):
    reply = get(stack.url(service, "/health/ready"))
    return reply.json()["failing"] if reply.status == 503 else ([] if reply.status == 200 else None)


@pytest.mark.parametrize(
    "component,dependency,affected",
    [
        ("rabbitmq", "broker", SERVICES),
        ("postgres", "database", SERVICES),
        ("redis", "redis", sorted(REDIS_USERS)),
    ],
)
def test_readiness_follows_a_dependency_outage_without_restarts(stack, component, dependency, affected):
    pids = {service: stack.pid(service) for service in SERVICES}
    stack.compose("infra", "stop", component)
    try:
        for service in affected:
            wait_for(lambda: dependency in (failing(stack, service) or []), 30,
                     what=f"{service} to report {dependency} down")
        for service in sorted(set(SERVICES) - set(affected)):
            assert failing(stack, service) == []
    finally:
        stack.compose("infra", "start", component)
    for service in SERVICES:
        wait_for(lambda: failing(stack, service) == [], 60, what=f"{service} ready again")
    assert {service: stack.pid(service) for service in SERVICES} == pids, "a service was restarted"


def test_metrics_say_a_dependency_is_down_without_anyone_asking_for_readiness(stack):
    """Prometheus reads only /metrics: `orchestrator_dependency_up` must follow an outage there
    (it was recorded only by readiness calls, and said up for minutes after Redis stopped)."""
    def redis_up(service):
        text = get(stack.url(service, "/metrics")).body.decode()
        return 'orchestrator_dependency_up{dependency="redis"} 1' in text

    stack.compose("infra", "stop", "redis")
    try:
        for service in sorted(REDIS_USERS):
            wait_for(lambda: not redis_up(service), 30, what=f"{service}'s metrics to say Redis is down")
    finally:
        stack.compose("infra", "start", "redis")
    for service in sorted(REDIS_USERS):
        wait_for(lambda: redis_up(service), 60, what=f"{service}'s metrics to say Redis is up again")


def test_a_crashed_service_is_restarted_by_the_stack(stack):
    import os
    import signal

    victim = "analytics"
    before = stack.pid(victim)
    os.kill(before, signal.SIGKILL)
    wait_for(lambda: stack.pid(victim) != before, 15, what="a new analytics process")
    wait_for(lambda: get(stack.url(victim, "/health/ready")).status == 200, 60, what="analytics ready")
    log = (stack.state / "run" / "supervisor.log").read_text()
    assert f"analytics (pid {before}) exited with status 137" in log


def test_a_consumer_whose_queue_is_deleted_declares_it_again_and_goes_on_consuming(stack, broker, admin):
    """An operator deletes a service's queue (or a broker node takes it down): the broker cancels
    the consumer, which reconnects, declares its queue and bindings again and consumes."""
    import pika

    def consumers(queue):
        channel = broker.connection.channel()
        try:
            return channel.queue_declare(queue=queue, passive=True).method.consumer_count
        except pika.exceptions.ChannelClosedByBroker:
            return 0
        finally:
            if channel.is_open:
                channel.close()

    assert consumers("analytics.events") == 1
    broker.channel.queue_delete(queue="analytics.events")
    wait_for(lambda: consumers("analytics.events") == 1, 20, what="the queue declared and consumed again")
    # And bound again: an account announced now reaches analytics.
    user = str(uuid.uuid4())
    broker.publish("user.registered", {"userId": user, "username": f"requeued-{user[:6]}", "fullName": "Queue Test",
                                       "role": "EMPLOYEE", "skills": [], "capacity": 1, "active": True}, source="auth")
    wait_for(lambda: call(stack.edge(f"/api/analytics/employees/{user}"), token=admin).status == 200, 15,
             what="the event consumed from the queue declared again")
