"""One request followed through the services (docs/operations.md, "Following a request"): the
W3C `traceparent` an admin's create comes with is continued by tasks' span, stored with the
outbox row, carried in the message's header, continued by the scheduler's consumer, its proposal,
tasks' consumer and the notifier's — every span exported over OTLP to the test stack's stand-in
collector (Tests/blackbox/otlp_sink.py) — and the log lines written on its way carry its id."""
import json
import os
import re
import secrets
import subprocess
import time
import uuid

from auth_client import call
from conftest import get, wait_for
from helpers import create_task, events, skilled_employee, socket, login

SINK = os.environ.get("ORCH_TEST_OTLP_URL", "http://127.0.0.1:14318")
SUPERVISOR = re.compile(r"^\S+Z supervisor: ")


def spans_of(trace_id):
    return get(f"{SINK}/traces/{trace_id}").json()


def traceparent():
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return trace_id, span_id, f"00-{trace_id}-{span_id}-01"


def chain(spans, last):
    """The spans from `last` up to the root, following each one's parent."""
    by_id = {span["spanId"]: span for span in spans}
    found = [last]
    while found[-1]["parentSpanId"] in by_id:
        found.append(by_id[found[-1]["parentSpanId"]])
    return found


def test_a_create_is_followed_to_the_employees_socket_by_its_trace_id(stack, api, admin):
    skill = f"tracing-{uuid.uuid4().hex[:8]}"
    worker, username, password = skilled_employee(api, admin, skill)
    _, _, session = login(api, username, password)
    trace_id, caller, header = traceparent()
    with socket(stack, session["token"]) as ws:
        status, answered, task = call(api("/api/admin/tasks"), "POST",
                                      {"name": "traced", "description": "followed", "priority": 2, "requiredSkills": [skill]},
                                      token=admin, headers={"traceparent": header})
        assert status == 201, task
        assert events(ws, "task.assigned", 1, task_id=task["id"], timeout=15)

    def through_the_notifier():
        """The chain from the caller's span to the notifier's, once each service has sent its part."""
        spans = spans_of(trace_id)
        delivered = next((s for s in spans if s["service"] == "notifier" and s["attributes"].get("event.type") == "task.assigned"),
                         None)
        hops = list(reversed(chain(spans, delivered))) if delivered else []
        return hops if hops and hops[0]["parentSpanId"] == caller else None
    hops = wait_for(through_the_notifier, 15, what="the spans from the request to the notifier's")
    # From the caller's span to the socket's feed, each span the child of the one before.
    assert hops[0]["parentSpanId"] == caller, hops
    assert [(s["service"], s["kind"], s["attributes"].get("event.type")) for s in hops] == [
        ("tasks", 2, None),  # the request
        ("scheduler", 5, "task.created"),  # consumed
        ("scheduler", 1, None),  # proposed by a round
        ("tasks", 5, "assignment.proposed"),  # consumed: the offer
        ("notifier", 5, "task.assigned"),  # consumed: the employee's feed
    ], json.dumps(hops, indent=1)
    request, created, proposed = hops[0], hops[1], hops[2]
    # The response names the span that answered (through the edge).
    assert answered["traceresponse"] == f"00-{trace_id}-{request['spanId']}-01"
    assert request["name"] == "/api/admin/tasks" and request["attributes"]["http.response.status_code"] == 201
    assert proposed["attributes"]["task.id"].lower() == task["id"].lower()
    assert proposed["attributes"]["employee.id"].lower() == worker["id"].lower()
    assert created["attributes"]["messaging.destination.name"] == "scheduler.events"
    assert [s["name"] for s in hops[1:]] == ["process scheduler.events", "scheduler propose", "process tasks.scheduling",
                                             "process notifier.feed"]
    assert all(s["status"] is None for s in hops)
    assert all(s["start"] <= s["end"] for s in hops)
    # Analytics took the same events in the same trace (its spans leave on its own second).
    wait_for(lambda: any(s["service"] == "analytics" for s in spans_of(trace_id)), 15, what="analytics' spans")
    stats = get(f"{SINK}/stats").json()
    assert stats["spans"] > 0 and stats["malformed"] == 0, stats["problems"]


def test_exporting_is_a_request_a_second_at_most_not_one_a_span(stack):
    """The exporter's own HTTP requests are not traced: when they were, each export's span went
    out with the next export, and five idle services sent 1,250 requests a second."""
    before = get(f"{SINK}/stats").json()["requests"]
    time.sleep(3)
    sent = get(f"{SINK}/stats").json()["requests"] - before
    assert sent <= 5 * 4, f"{sent} export requests in 3 s"
    for service in ("auth", "tasks", "scheduler", "notifier", "analytics"):
        metrics = get(stack.url(service, "/metrics")).body.decode()
        assert re.search(r"^orchestrator_spans_dropped_total 0(\.0)?$", metrics, re.M), service


def test_each_failed_attempt_is_a_failed_span_and_the_dead_letter_keeps_the_trace(stack, api, admin, broker, refused_task):
    """A task.created the scheduler's table refuses (a test trigger): each of its five attempts is a
    consumer span with the error, every one the child of the publisher's span, and the dead letter
    it becomes keeps the `traceparent` it came with."""
    trace_id, publisher, header = traceparent()
    created = {"taskId": refused_task, "version": 1, "assigneeId": None, "name": "traced refusal", "priority": 5,
               "requiredSkills": ["nobody-has-this"], "dueAt": None, "maxAttempts": 1, "createdBy": str(uuid.uuid4())}
    event = broker.publish("task.created", created, source="tasks", headers={"traceparent": header})
    broker.handed_out[refused_task] = str(uuid.uuid4())  # cancelled at the end (Broker.take_back)

    def failed():
        spans = [s for s in spans_of(trace_id) if s["service"] == "scheduler" and s["kind"] == 5]
        return spans if len(spans) >= 5 else None
    spans = wait_for(failed, 60, what="the scheduler's five failed attempts")
    assert sorted(s["attributes"]["event.attempt"] for s in spans) == [1, 2, 3, 4, 5]
    assert all(s["parentSpanId"] == publisher and s["attributes"]["messaging.message.id"].lower() == event for s in spans)
    assert all(s["status"]["code"] == 2 and f"the test refuses task {refused_task}" in s["status"]["message"] for s in spans)

    def kept():
        page = call(api("/api/dead-letters/scheduler?type=task.created"), token=admin).body["items"]
        return next((letter for letter in page if letter["messageId"].lower() == event), None)
    letter = wait_for(kept, 30, what="the dead letter")
    status, _, shown = call(api(f"/api/dead-letters/scheduler/{letter['id']}"), token=admin)
    assert status == 200 and shown["headers"]["traceparent"] == header, shown
    assert call(api(f"/api/dead-letters/scheduler/{letter['id']}"), "DELETE", token=admin).status == 200


def test_a_request_without_a_trace_starts_one_and_a_malformed_one_is_ignored(stack, api, admin):
    answers = set()
    for header in (None, "00-zz-1-01", "00-" + "0" * 32 + "-" + "1" * 16 + "-01"):
        status, answered, task = call(api("/api/admin/tasks"), "POST", {"name": "untraced", "description": "", "priority": 5},
                                      token=admin, headers={"traceparent": header} if header else {})
        assert status == 201, task
        assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", answered["traceresponse"]), answered["traceresponse"]
        answers.add(answered["traceresponse"][3:35])
        call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)
    assert len(answers) == 3  # a new trace each time
    # An error answers with its trace too: what to quote when reporting it.
    trace_id, _, header = traceparent()
    status, answered, problem = call(api("/api/admin/tasks"), "POST", raw=b"{not json", token=admin,
                                     headers={"traceparent": header})
    assert status == 400 and answered["traceresponse"].startswith(f"00-{trace_id}-"), (status, problem)
    status, answered, _ = call(api("/api/admin/tasks"), token="forged.token.here", headers={"traceparent": header})
    assert status == 401 and answered["traceresponse"].startswith(f"00-{trace_id}-")


def test_log_lines_are_json_and_carry_the_trace_of_the_work_they_describe(stack, api, admin):
    """A manual assignment to nobody: tasks takes the request, the scheduler refuses it and says so
    in its log, under the request's trace id, naming the task."""
    trace_id, _, header = traceparent()
    # A task nobody can take (a skill nobody has), once the scheduler knows it: a request for a
    # task it has not seen yet is held, and refused later, in the trace of the task's creation.
    task = create_task(api, admin, priority=1, skills=[f"nobody-{uuid.uuid4().hex[:8]}"])

    def queued():
        items = call(api("/api/scheduler/queue?limit=1000"), token=admin).body["items"]
        return any(e["taskId"].lower() == task["id"].lower() for e in items)
    wait_for(queued, 15, what="the task in the scheduler's queue")
    nobody = str(uuid.uuid4())
    status, _, reply = call(api(f"/api/admin/tasks/{task['id']}/assign/{nobody}"), "POST", {}, token=admin,
                            headers={"traceparent": header})
    assert status in (200, 202), reply
    log = stack.state / "logs" / "scheduler.log"

    def refused():
        for line in log.read_text(errors="replace").splitlines():
            if trace_id in line:
                return json.loads(line)
    line = wait_for(refused, 15, what="the scheduler's log line of the refusal")
    assert line["service"] == "scheduler" and line["trace_id"] == trace_id and line["level"] == "info"
    assert line["message"] == "manual assignment refused" and line["task.id"].lower() == task["id"].lower()
    assert line["time"].endswith("Z") and "span_id" in line
    # The local stack's tool gathers the trace's lines from every service, made readable.
    local = str(stack.root / "compose" / "local")
    gathered = subprocess.run([local, "logs", "--trace", trace_id], capture_output=True, text=True, timeout=60)
    assert gathered.returncode == 0, gathered.stderr
    assert re.search(r"^\d\d:\d\d:\d\d\.\d{3} info +scheduler +manual assignment refused .*trace=" + trace_id, gathered.stdout, re.M), \
        gathered.stdout
    for wrong in ("nonsense", "0" * 31, secrets.token_hex(16)):
        refused = subprocess.run([local, "logs", "--trace", wrong], capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and refused.stderr, (wrong, refused.stdout)
    readable = subprocess.run([local, "logs", "scheduler"], capture_output=True, text=True, timeout=60)
    assert readable.returncode == 0 and readable.stdout and not any(l.startswith("{") for l in readable.stdout.splitlines())
    raw = subprocess.run([local, "logs", "--raw", "scheduler"], capture_output=True, text=True, timeout=60)
    assert raw.returncode == 0 and all(l.startswith("{") or SUPERVISOR.match(l) for l in raw.stdout.splitlines())
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)
    # Every line every service wrote is one JSON object (the local stack's supervisor adds its own
    # line when it restarts a process: the drills kill them).
    for service in ("auth", "tasks", "scheduler", "notifier", "analytics"):
        for number, text in enumerate((stack.state / "logs" / f"{service}.log").read_text(errors="replace").splitlines()):
            if SUPERVISOR.match(text):
                continue
            record = json.loads(text)
            assert record["service"] == service and record["level"] and record["message"], (service, number, text)
