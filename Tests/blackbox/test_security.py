"""What the security review (docs/security.md) asks of the edge, the logs and the events."""
import concurrent.futures
import json
import re
import time
import urllib.error
import urllib.request
import uuid

import pytest

from auth_client import call
from conftest import wait_for
from helpers import employee, login, register


# The test stack lists this origin in ORCH_EDGE_CORS_ORIGINS (compose/local test).
ALLOWED_ORIGIN = "https://ops.example.test"
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{20,}")


def raw(url, method="GET", headers=None, data=None):
    """(status, headers, body text) of one request, errors included."""
    request = urllib.request.Request(url, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.headers, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.parametrize("path,status", [("/", 200), ("/api/admin/tasks", 401), ("/api/nowhere", 404), ("/js/app.js", 200),
                                         ("/some/page/of/the/ui", 200)])
def test_every_answer_of_the_edge_carries_the_security_headers(stack, path, status):
    code, headers, body = raw(stack.edge(path))
    assert code == status
    if path.startswith("/api/"):
        assert headers["Content-Type"].startswith("application/json") and json.loads(body)["error"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'"):
        assert directive in policy
    # The web UI's own WebSocket is allowed, on the port the page came from.
    assert f"ws://127.0.0.1:{stack.edge_port}" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Server" not in headers or headers["Server"] == "nginx"  # no version


def test_cors_answers_only_a_configured_origin(stack):
    code, headers, _ = raw(stack.edge("/api/admin/tasks"), "OPTIONS",
                           {"Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "POST",
                            "Access-Control-Request-Headers": "authorization, content-type"})
    assert code == 204
    assert headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    # The long poll's `Prefer: wait=N` may come from another origin too.
    assert "Prefer" in headers["Access-Control-Allow-Headers"]
    code, headers, _ = raw(stack.edge("/api/admin/tasks"), headers={"Origin": ALLOWED_ORIGIN})
    assert code == 401 and headers["Access-Control-Allow-Origin"] == ALLOWED_ORIGIN
    assert "Origin" in headers["Vary"]

    for origin in ("https://evil.example", "https://ops.example.test.evil.example", "null"):
        code, headers, _ = raw(stack.edge("/api/admin/tasks"), "OPTIONS",
                               {"Origin": origin, "Access-Control-Request-Method": "POST"})
        assert code != 204 and "Access-Control-Allow-Origin" not in headers
        code, headers, _ = raw(stack.edge("/api/admin/tasks"), headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in headers


def test_a_body_over_a_mebibyte_is_refused_at_the_edge_in_json(stack, admin):
    code, headers, body = raw(stack.edge("/api/admin/tasks"), "POST",
                              {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}, b"{" + b" " * (1 << 20) + b"}")
    assert code == 413
    assert json.loads(body)["error"]["code"] == "too_large"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_a_flood_from_one_client_is_throttled_with_json_and_retry_after_then_let_through(stack):
    """200 requests a second per client (address + credential), bursts of 2,000: 6,000 at once
    from one client must meet 429s; a moment later the client is served again."""
    token = f"Bearer flood-{uuid.uuid4().hex}"  # its own budget, so no other test is throttled

    def one(_):
        return raw(stack.edge("/api/scheduler/queue"), headers={"Authorization": token})

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(one, range(6000)))
    codes = [code for code, _, _ in answers]
    assert codes.count(429) > 0 and codes.count(401) >= 2000, {c: codes.count(c) for c in set(codes)}
    code, headers, body = next(a for a in answers if a[0] == 429)
    assert json.loads(body)["error"]["code"] == "throttled" and headers["Retry-After"] == "1"
    time.sleep(2.5)
    assert one(0)[0] == 401
    # Another client was never affected.
    assert raw(stack.edge("/api/scheduler/queue"), headers={"Authorization": f"Bearer other-{uuid.uuid4().hex}"})[0] == 401


def test_a_websocket_token_in_the_url_never_reaches_the_access_log(stack, api):
    _, token, _ = employee(api)
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{stack.edge_port}/ws?token={token}&after=0", open_timeout=10, close_timeout=2):
        pass
    with connect(f"ws://127.0.0.1:{stack.edge_port}/ws?after=0", open_timeout=10, close_timeout=2,
                 subprotocols=["orchestrator", f"bearer.{token}"]) as ws:
        assert ws.subprotocol == "orchestrator"
        ws.recv(timeout=10)  # the socket is authenticated: its replay arrives
    access_log = stack.state / "logs" / "nginx-access.log"
    wait_for(lambda: "GET /ws?token=redacted&after=0 " in access_log.read_text(), 5, what="the socket in the access log")
    assert token not in access_log.read_text()


def test_no_event_carries_a_password_or_its_hash(stack, api, broker, admin):
    watch = broker.watch("#")
    (status, _, user), body = register(api, password="a very private phrase 42")
    assert status == 201
    assert login(api, body["username"], "a very private phrase 42")[0] == 200
    assert login(api, body["username"], "a wrong guess entirely")[0] == 401
    assert call(api(f"/api/auth/users/{user['id']}"), "PATCH", {"capacity": 2}, token=admin).status == 200
    events = broker.collect(watch, 5, until=lambda e: len([x for x in e if x["type"].startswith("user.")]) >= 2)
    assert any(e["type"].startswith("user.") for e in events)
    for event in events:
        text = json.dumps(event)
        assert "a very private phrase" not in text and "a wrong guess" not in text
        assert not re.search(r'"password|"passwordHash|\$argon2|\$2[aby]\$|pbkdf2', text, re.IGNORECASE), event


def test_no_log_line_holds_a_password_a_token_or_the_token_secret(stack, api):
    """Every log of this run so far (the drill's included): services, edge, PostgreSQL,
    RabbitMQ, Redis. The test users' password and the first admin's, any signed token, the
    signing secret."""
    _, admin_password = stack.admin()
    secret = stack.signing_key()[1]
    logs = sorted(p for p in (stack.state / "logs").glob("*.log") if p.name != "nginx-error.log")
    assert len(logs) >= 8
    for path in logs:
        text = path.read_text(errors="replace")
        for needle in ("correct horse battery", admin_password, secret):
            assert needle not in text, f"{path.name} holds a secret"
        found = JWT.search(text)
        assert not found, f"{path.name} holds a token: …{text[max(0, found.start() - 80):found.start()]}"
