"""A small JSON client for the black-box tests."""
import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any, NamedTuple


class Reply(NamedTuple):
    """An answer: its status, its headers (looked up case-insensitively) and its parsed JSON (None
    when empty; the bytes when not JSON). Unpacks as (status, headers, body)."""
    status: int
    headers: Any
    body: Any


def call(url, method="GET", body=None, token=None, headers=None, raw=None, timeout=15):
    """The `Reply` to one request."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            payload = response.read()
            return Reply(response.status, response.headers, json.loads(payload) if payload else None)
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            parsed = json.loads(payload) if payload else None
        except ValueError:
            parsed = payload
        return Reply(error.code, error.headers, parsed)


def unique_name(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(kid, secret, sub, role, iat=None, exp=None, alg="HS256", iss="orchestrator"):
    """An HS256 JWT made with nothing but the standard library, as any other client would."""
    now = int(time.time())
    header = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    claims = b64url(json.dumps({"sub": sub, "role": role, "iat": iat if iat is not None else now,
                                "exp": exp if exp is not None else now + 600, "iss": iss}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64url(signature)}"


def claims_of(token: str) -> dict:
    """The claims of a JWT, unverified."""
    return json.loads(b64url_decode(token.split(".")[1]))


class Login:
    """One account's token that stays valid however long the suite runs: `token` logs in again
    when less than `margin` seconds of the current token's lifetime are left (read from its `exp`
    claim), so no test depends on how long the tests before it took."""

    def __init__(self, url, username, password, client, margin=120):
        self.url, self.username, self.password, self.client, self.margin = url, username, password, client, margin
        self.current = None

    @property
    def token(self) -> str:
        if self.current is None or claims_of(self.current)["exp"] - time.time() < self.margin:
            self.current = self.renew()
        return self.current

    def forget(self):
        """Drops the current token, so the next `token` logs in again: for after a change to the
        account that revokes its tokens (deactivation, reactivation, a new role)."""
        self.current = None

    def renew(self) -> str:
        deadline = time.monotonic() + 30
        while True:
            status, _, reply = call(self.url, "POST", {"username": self.username, "password": self.password},
                                    headers={"X-Forwarded-For": self.client})
            if status == 200:
                return reply["token"]
            # The stack may still be starting, or a drill may have just restarted auth.
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.username} could not log in: {status} {reply}")
            time.sleep(0.25)
