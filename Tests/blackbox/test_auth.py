"""The auth service through the edge, against the real database and broker."""
import hashlib
import hmac
import json
import os
import statistics
import time
import uuid

import pytest

from auth_client import b64url, b64url_decode, call, claims_of, make_token, unique_name
from helpers import employee, login, register


@pytest.fixture(scope="module")
def secrets(stack):
    return stack.signing_key()


# --- registration ---------------------------------------------------------------------------

def test_registration_creates_an_employee_with_defaults(api):
    (status, _, user), body = register(api)
    assert status == 201
    assert user["role"] == "EMPLOYEE" and user["capacity"] == 1 and user["skills"] == [] and user["active"]
    assert user["username"] == body["username"]
    assert "password" not in json.dumps(user) and "hash" not in json.dumps(user).lower()


def test_registering_with_a_role_is_refused_without_an_admin(api):
    for role in ("ADMIN", "EMPLOYEE"):
        (status, _, error), _ = register(api, role=role)
        assert status == 403 and error["error"]["code"] == "forbidden"
    _, employee_token, _ = employee(api)
    status, _, _ = call(api("/api/auth/register"), "POST", {
        "username": unique_name(), "password": "long enough pw", "fullName": "X", "email": "x@example.com",
        "role": "ADMIN"}, token=employee_token)
    assert status == 403


def test_an_admin_may_create_an_admin(api, admin):
    body = {"username": unique_name("admin"), "password": "another admin pw", "fullName": "Second Admin",
            "email": f"{uuid.uuid4().hex[:8]}@example.com", "role": "ADMIN", "skills": ["ops"], "capacity": 3}
    status, _, user = call(api("/api/auth/register"), "POST", body, token=admin)
    assert status == 201 and user["role"] == "ADMIN" and user["skills"] == ["ops"] and user["capacity"] == 3
    status, _, session = login(api, body["username"], body["password"], client="10.2.0.1")
    assert status == 200 and session["user"]["role"] == "ADMIN"


@pytest.mark.parametrize("field,value", [
    ("username", "ab"), ("username", "x" * 65), ("username", "Upper"), ("username", "has space"), ("username", "ünï"),
    ("password", "short"), ("password", "p" * 129),
    ("email", "not-an-email"), ("email", "a@b"), ("email", "two@@example.com"), ("email", "sp ace@example.com"),
    ("fullName", ""), ("fullName", "   "), ("fullName", "n" * 201),
    ("capacity", 0), ("capacity", 51), ("capacity", "two"), ("capacity", 1.5),
    ("skills", ["x" * 65]), ("skills", [f"s{i}" for i in range(33)]), ("skills", [""]), ("skills", "python"),
])
def test_each_invalid_field_is_a_422_naming_it(api, field, value):
    (status, _, error), _ = register(api, **{field: value})
    assert status == 422, error
    assert error["error"]["code"] == "invalid_value"
    assert error["error"]["field"] == field


def test_every_invalid_field_is_reported_at_once(api):
    status, _, error = call(api("/api/auth/register"), "POST",
                            {"username": "a b", "password": "short", "fullName": " ", "email": "nope"})
    assert status == 422, error
    fields = [e["field"] for e in error["error"]["errors"]]
    assert sorted(fields) == ["email", "fullName", "password", "username"]
    assert error["error"]["field"] == fields[0] and all(e["message"] for e in error["error"]["errors"])


@pytest.mark.parametrize("missing", ["username", "password", "fullName", "email"])
def test_a_missing_field_is_a_422_naming_it(api, missing):
    body = {"username": unique_name(), "password": "long enough pw", "fullName": "X", "email": "x@example.com"}
    del body[missing]
    status, _, error = call(api("/api/auth/register"), "POST", body)
    assert status == 422 and error["error"]["field"] == missing


def test_malformed_json_is_a_400(api):
    for raw in (b"{not json", b"", b"[1, 2", b"null"):
        status, _, error = call(api("/api/auth/register"), "POST", raw=raw)
        assert status in (400, 422), raw
        assert "error" in error


def test_a_body_over_64_kib_is_refused(api):
    body = json.dumps({"username": "big", "password": "x" * 70_000, "fullName": "B", "email": "b@example.com"}).encode()
    status, _, error = call(api("/api/auth/register"), "POST", raw=body)
    assert status == 413 and error["error"]["code"] == "too_large"


def test_duplicate_usernames_case_insensitively_and_emails_are_409(api):
    (status, _, _), body = register(api)
    assert status == 201
    (status, _, error), _ = register(api, username=body["username"])
    assert status == 409 and error["error"]["field"] == "username"
    (status, _, error), _ = register(api, email=body["email"].upper())
    assert status == 409 and error["error"]["field"] == "email"
    status, _, session = login(api, body["username"].upper(), body["password"], client="10.3.0.1")
    assert status == 200


def test_passwords_longer_than_bcrypts_72_bytes_count_in_full(api):
    stem = "é" * 40  # 80 bytes of UTF-8
    (status, _, _), body = register(api, password=stem + "-one")
    assert status == 201
    assert login(api, body["username"], stem + "-two", client="10.4.0.1")[0] == 401
    assert login(api, body["username"], stem + "-one", client="10.4.0.1")[0] == 200


# --- login, tokens ---------------------------------------------------------------------------

def test_login_returns_a_standard_hs256_token_for_the_user(api, secrets):
    user, token, _ = employee(api)
    header, claims, signature = token.split(".")
    assert json.loads(b64url_decode(header)) == {"alg": "HS256", "typ": "JWT", "kid": secrets[0]}
    payload = json.loads(b64url_decode(claims))
    assert payload["sub"].lower() == user["id"].lower() and payload["role"] == "EMPLOYEE"
    assert payload["iss"] == "orchestrator" and 0 < payload["exp"] - payload["iat"] <= 15 * 60
    expected = hmac.new(secrets[1].encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    assert b64url(expected) == signature


def test_wrong_password_and_unknown_user_are_the_same_401(api):
    _, _, body = employee(api)
    wrong = login(api, body["username"], "wrong password!", client="10.5.0.1")
    unknown = login(api, unique_name("ghost"), "whatever pw", client="10.5.0.2")
    assert wrong[0] == unknown[0] == 401
    assert wrong[2] == unknown[2]


def test_a_failed_login_takes_as_long_for_an_unknown_user_as_for_a_wrong_password(api):
    # Eight accounts, three wrong passwords each: below the per-username throttle.
    users = [employee(api)[2] for _ in range(8)]
    wrong, unknown = [], []
    for i in range(24):
        client = f"10.6.{i}.1"
        started = time.perf_counter()
        assert login(api, users[i % 8]["username"], f"wrong-{i}-password", client=client)[0] == 401
        wrong.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert login(api, unique_name("nobody"), f"wrong-{i}-password", client=client)[0] == 401
        unknown.append(time.perf_counter() - started)
    a, b = statistics.median(wrong), statistics.median(unknown)
    assert abs(a - b) < max(0.2 * max(a, b), 0.005), (a, b)


def test_me_and_refresh(api):
    user, token, _ = employee(api)
    status, _, me = call(api("/api/auth/me"), token=token)
    assert status == 200 and me["id"] == user["id"]
    time.sleep(1.1)
    status, _, fresh = call(api("/api/auth/refresh"), "POST", token=token)
    assert status == 200 and fresh["token"] != token and fresh["user"]["id"] == user["id"]


@pytest.mark.parametrize("kind", ["none", "tampered", "wrong-secret", "expired", "alg-none", "unknown-kid", "garbage"])
def test_bad_tokens_are_401_on_a_protected_route(api, secrets, kind):
    user, token, _ = employee(api)
    kid, secret = secrets
    tokens = {
        "none": None,
        "garbage": "not.a.token",
        "wrong-secret": make_token(kid, "x" * 48, user["id"], "ADMIN"),
        "expired": make_token(kid, secret, user["id"], "EMPLOYEE", iat=int(time.time()) - 3600,
                              exp=int(time.time()) - 120),
        "alg-none": make_token(kid, secret, user["id"], "ADMIN", alg="none").rsplit(".", 1)[0] + ".",
        "unknown-kid": make_token("other-kid", secret, user["id"], "EMPLOYEE"),
    }
    if kind == "tampered":
        header, claims, signature = token.split(".")
        payload = json.loads(b64url_decode(claims))
        payload["role"] = "ADMIN"
        tokens["tampered"] = f"{header}.{b64url(json.dumps(payload).encode())}.{signature}"
    status, headers, error = call(api("/api/auth/me"), token=tokens[kind])
    assert status == 401 and error["error"]["code"] == "unauthenticated"
    assert headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_a_token_made_by_any_standard_library_with_the_shared_secret_is_accepted(api, secrets):
    user, _, _ = employee(api)
    token = make_token(secrets[0], secrets[1], user["id"], "EMPLOYEE")
    assert call(api("/api/auth/me"), token=token).status == 200


# --- throttling ------------------------------------------------------------------------------

def test_five_failures_throttle_the_username_until_the_window_passes(api, stack):
    _, _, body = employee(api)
    for i in range(5):
        assert login(api, body["username"], "wrong password", client=f"10.7.{i}.1")[0] == 401
    status, headers, error = login(api, body["username"], body["password"], client="10.7.9.1")
    assert status == 429 and error["error"]["code"] == "throttled"
    retry_after = int(headers["Retry-After"])
    assert error["error"]["retryAfter"] == headers["Retry-After"]
    assert "try again in" in error["error"]["message"] and "later" not in error["error"]["message"]
    window = int(os.environ.get("ORCH_AUTH_THROTTLE_WINDOW", "15m").rstrip("s"))
    assert 1 <= retry_after <= window
    time.sleep(retry_after + 0.5)
    assert login(api, body["username"], body["password"], client="10.7.9.1")[0] == 200


def test_a_successful_login_resets_the_usernames_failures(api):
    _, _, body = employee(api)
    for round in range(2):
        for i in range(4):
            assert login(api, body["username"], "wrong password", client=f"10.8.{round}.{i}")[0] == 401
        assert login(api, body["username"], body["password"], client="10.8.9.9")[0] == 200


def test_many_failures_from_one_address_throttle_that_address(api):
    client = f"10.9.{uuid.uuid4().int % 250}.7"
    limit = int(os.environ.get("ORCH_AUTH_THROTTLE_CLIENT_LIMIT", "50"))
    for i in range(limit):
        assert login(api, unique_name("spray"), "wrong password", client=client)[0] == 401
    assert login(api, unique_name("spray"), "wrong password", client=client)[0] == 429
    _, _, body = employee(api)
    assert login(api, body["username"], body["password"], client="10.9.251.1")[0] == 200


# --- accounts --------------------------------------------------------------------------------

def test_a_deactivated_user_cannot_log_in_or_refresh(api, admin):
    user, token, body = employee(api)
    status, _, updated = call(api(f"/api/auth/users/{user['id']}"), "PATCH", {"active": False}, token=admin)
    assert status == 200 and updated["active"] is False
    status, _, error = login(api, body["username"], body["password"], client="10.10.0.1")
    assert status == 403 and error["error"]["code"] == "account_disabled"
    # Refused: 401 once the deactivation's cut-off has reached auth's memory (docs/auth.md,
    # "Revocation"; a moment after the change), 403 from the account itself before that.
    assert call(api("/api/auth/refresh"), "POST", token=token).status in (401, 403)


def test_an_employee_on_an_admin_route_is_403(api):
    user, token, _ = employee(api)
    assert call(api("/api/auth/users"), token=token).status == 403
    assert call(api(f"/api/auth/users/{user['id']}"), "PATCH", {"capacity": 5}, token=token).status == 403


def test_users_can_read_themselves_but_not_others(api, admin):
    first, token, _ = employee(api)
    second, _, _ = employee(api)
    assert call(api(f"/api/auth/users/{first['id']}"), token=token).status == 200
    assert call(api(f"/api/auth/users/{second['id']}"), token=token).status == 403
    assert call(api(f"/api/auth/users/{second['id']}"), token=admin).status == 200
    assert call(api(f"/api/auth/users/{uuid.uuid4()}"), token=admin).status == 404
    assert call(api("/api/auth/users/not-a-uuid"), token=admin).status == 400


def test_admin_lists_with_paging_and_filters(api, admin):
    for _ in range(3):
        employee(api)
    status, _, page = call(api("/api/auth/users?size=2&page=0&role=EMPLOYEE&active=true"), token=admin)
    assert status == 200 and len(page["items"]) == 2 and page["total"] >= 3 and page["size"] == 2
    assert all(u["role"] == "EMPLOYEE" and u["active"] for u in page["items"])
    status, _, next_page = call(api("/api/auth/users?size=2&page=1&role=EMPLOYEE&active=true"), token=admin)
    assert not {u["id"] for u in page["items"]} & {u["id"] for u in next_page["items"]}
    for query in ("size=0", "size=101", "page=-1", "role=BOSS", "active=maybe", "size=ten"):
        assert call(api(f"/api/auth/users?{query}"), token=admin).status == 422, query


def test_admin_updates_skills_capacity_and_role(api, admin):
    user, _, _ = employee(api)
    status, _, updated = call(api(f"/api/auth/users/{user['id']}"), "PATCH",
                              {"skills": ["billing", " french ", "billing"], "capacity": 4}, token=admin)
    assert status == 200 and updated["skills"] == ["billing", "french"] and updated["capacity"] == 4
    for body in ({"capacity": 0}, {"capacity": 51}, {"skills": ["x" * 65]}, {"role": "BOSS"}, {"active": "yes"}):
        assert call(api(f"/api/auth/users/{user['id']}"), "PATCH", body, token=admin).status == 422, body
    assert call(api(f"/api/auth/users/{uuid.uuid4()}"), "PATCH", {"capacity": 2}, token=admin).status == 404


def test_the_openapi_document_is_served_through_the_edge(api):
    status, _, document = call(api("/openapi/auth.json"))
    assert status == 200 and document["openapi"].startswith("3.1")
    assert "/api/auth/login" in document["paths"]


# --- events ----------------------------------------------------------------------------------

def test_registration_and_updates_publish_events_without_secrets(api, admin, stack):
    import pika  # the broker's own client, not ours

    connection = pika.BlockingConnection(pika.ConnectionParameters(host="127.0.0.1", port=stack.amqp_port))
    channel = connection.channel()
    queue = channel.queue_declare(queue="", exclusive=True).method.queue
    for key in ("user.registered", "user.updated"):
        channel.queue_bind(queue=queue, exchange="orchestrator.events", routing_key=key)
    user, _, body = employee(api, skills=["support"], capacity=2)
    call(api(f"/api/auth/users/{user['id']}"), "PATCH", {"capacity": 3}, token=admin)

    seen = {}
    deadline = time.time() + 15
    while time.time() < deadline and len(seen) < 2:
        method, properties, payload = channel.basic_get(queue=queue, auto_ack=True)
        if method is None:
            time.sleep(0.1)
            continue
        event = json.loads(payload)
        if event["data"]["userId"].lower() == user["id"].lower():
            seen[event["type"]] = (event, properties, payload)
    connection.close()
    assert set(seen) == {"user.registered", "user.updated"}
    registered, properties, payload = seen["user.registered"]
    assert properties.message_id == registered["id"] and properties.type == "user.registered"
    assert registered["source"] == "auth" and registered["version"] == 1
    assert registered["data"] == {"userId": registered["data"]["userId"], "username": body["username"],
                                  "fullName": "Test Person", "role": "EMPLOYEE", "skills": ["support"],
                                  "capacity": 2, "active": True}
    assert seen["user.updated"][0]["data"]["capacity"] == 3
    for event, _, raw in seen.values():
        assert body["password"].encode() not in raw and b"hash" not in raw.lower() and b"$2b$" not in raw


def test_the_suites_admin_token_is_renewed_once_it_nears_its_expiry(api, secrets, admin_login):
    """The whole suite shares `admin_login`; a run longer than a token's lifetime (a slow machine,
    a long drill) must not turn every later test into a 401."""
    kid, secret = secrets
    claims = claims_of(admin_login.token)
    now = int(time.time())
    # The token the suite would hold after running past its lifetime: validly signed, expired.
    expired = make_token(kid, secret, claims["sub"], "ADMIN", iat=now - 1200, exp=now - 300)
    assert call(api("/api/auth/me"), token=expired).status == 401
    admin_login.current = expired
    renewed = admin_login.token
    assert renewed != expired and claims_of(renewed)["exp"] > now + admin_login.margin
    status, _, me = call(api("/api/auth/me"), token=renewed)
    assert status == 200 and me["role"] == "ADMIN"
    # One nearing its expiry (inside the margin) is renewed as well; a fresh one is kept.
    admin_login.current = make_token(kid, secret, claims["sub"], "ADMIN", iat=now - 800, exp=now + 30)
    assert claims_of(admin_login.token)["exp"] > now + admin_login.margin
    kept = admin_login.token
    assert admin_login.token == kept
