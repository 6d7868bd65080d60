"""The event backbone's guarantees, drilled with separate processes and real outages:
nothing lost, nothing applied twice, order kept, exactly one active relay."""
import os
import signal
import subprocess
import time
import urllib.parse
import uuid

import pytest

from conftest import sql, wait_for


class Backbone:
    """Runs the roles of orchestrator-backbone-bench against the test stack."""

    def __init__(self, stack, tmp_path):
        self.stack = stack
        self.tmp = tmp_path
        self.id = uuid.uuid4().hex[:8]
        self.schema = f"drill_{self.id}"
        self.type = f"drill.{self.id}"
        self.processes = []
        self.env = dict(
            os.environ,
            ORCH_DATABASE_URL=os.environ["ORCH_TEST_DATABASE_URL"],
            ORCH_AMQP_URL=os.environ["ORCH_TEST_AMQP_URL"],
            ORCH_REDIS_URL=os.environ["ORCH_TEST_REDIS_URL"],
        )
        self.run("prepare", "--schema", self.schema)

    def command(self, *args):
        return [self.stack.binary("backbone-bench"), *args]

    def run(self, *args, timeout=120):
        result = subprocess.run(self.command(*args), env=self.env, capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, name, *args):
        out = self.tmp / f"{name}.out"
        process = subprocess.Popen(self.command(*args), env=self.env, stdout=out.open("w"), stderr=subprocess.STDOUT)
        process.out = out
        self.processes.append(process)
        return process

    def relay(self, name="relay"):
        return self.start(name, "relay", "--schema", self.schema)

    def consumer(self, name="consumer", *extra):
        return self.start(name, "consume", "--schema", self.schema, "--queue", f"drill.{self.id}",
                          "--type", self.type, *extra)

    def produce(self, count, start=1, rate=0.0):
        return self.run("produce", "--schema", self.schema, "--type", self.type, "--count", str(count),
                        "--start", str(start), "--rate", str(rate), timeout=300)

    def sql(self, query):
        return sql(self.stack, query, port=urllib.parse.urlsplit(os.environ["ORCH_TEST_DATABASE_URL"]).port)

    def handled(self):
        return [int(line) for line in self.sql(f"SELECT seq FROM {self.schema}.handled ORDER BY at, seq").split()]

    def said(self, process, text):
        return text in process.out.read_text()

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def backbone(stack, tmp_path):
    drill = Backbone(stack, tmp_path)
    yield drill
    drill.stop()


def wait_ready(backbone, consumer, relay):
    wait_for(lambda: backbone.said(consumer, "consuming"), 30, what="the consumer")
    wait_for(lambda: backbone.said(relay, "relay active"), 30, what="an active relay")
    time.sleep(1)  # the consumer's queue is declared and bound


def test_events_committed_while_the_broker_is_down_all_arrive_in_order_once(stack, backbone):
    consumer, relay = backbone.consumer(), backbone.relay()
    wait_ready(backbone, consumer, relay)
    stack.compose("infra", "stop", "rabbitmq")
    try:
        backbone.produce(1000)
        assert backbone.sql(f"SELECT count(*) FROM {backbone.schema}.outbox") == "1000"
    finally:
        stack.compose("infra", "start", "rabbitmq")
    wait_for(lambda: len(backbone.handled()) >= 1000, 90, what="all 1,000 events handled")
    time.sleep(1)
    assert backbone.handled() == list(range(1, 1001))


def test_a_consumer_killed_mid_handler_gets_the_message_again_and_applies_it_once(backbone):
    victim, relay = backbone.consumer("victim", "--slow-seq", "1", "--handler-delay-ms", "60000"), backbone.relay()
    wait_ready(backbone, victim, relay)
    backbone.produce(1)
    wait_for(lambda: backbone.said(victim, "handling 1"), 30, what="the handler to start")
    victim.kill()
    victim.wait()
    assert backbone.handled() == [], "the killed handler's transaction must not have committed"
    backbone.consumer("successor")
    wait_for(lambda: backbone.handled() == [1], 60, what="the redelivered message handled")
    backbone.produce(1, start=2)
    wait_for(lambda: backbone.handled() == [1, 2], 30, what="the next message")


def test_one_relay_is_active_and_a_standby_takes_over_with_nothing_lost(backbone):
    consumer = backbone.consumer()
    first, second = backbone.relay("first"), backbone.relay("second")
    wait_for(lambda: backbone.said(first, "relay active") or backbone.said(second, "relay active"), 30,
             what="an active relay")
    wait_for(lambda: backbone.said(consumer, "consuming"), 30, what="the consumer")
    time.sleep(2)
    assert backbone.said(first, "relay active") != backbone.said(second, "relay active"), "exactly one is active"
    active, standby = (first, second) if backbone.said(first, "relay active") else (second, first)

    producer = subprocess.Popen(
        backbone.command("produce", "--schema", backbone.schema, "--type", backbone.type, "--count", "600",
                         "--rate", "200"), env=backbone.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: len(backbone.handled()) >= 150, 30, what="events flowing")
    active.kill()
    wait_for(lambda: backbone.said(standby, "relay active"), 30, what="the standby to take over")
    assert producer.wait(timeout=60) == 0
    wait_for(lambda: len(backbone.handled()) >= 600, 60, what="all 600 events handled")
    time.sleep(1)
    assert backbone.handled() == list(range(1, 601))


def test_two_processes_contending_for_a_lock_are_never_inside_together(backbone):
    key = f"drill:lock:{backbone.id}"
    contenders = [subprocess.Popen(backbone.command("contend", "--key", key, "--iterations", "150"),
                                   env=backbone.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for _ in range(2)]
    for contender in contenders:
        out, err = contender.communicate(timeout=120)
        assert contender.returncode == 0, err
        assert out.strip() == "overlaps 0"
