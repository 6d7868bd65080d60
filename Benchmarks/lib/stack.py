"""What the Python benchmarks share (websockets 13 and pika, as in .build/test-venv): the local stack
(compose/orchestrator_stack.py), tokens, the broker, percentiles."""
import hashlib
import hmac
import json
import os
import resource
import sys
import time
import asyncio
from base64 import urlsafe_b64encode
from pathlib import Path

import websockets

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "compose"))
import orchestrator_stack  # noqa: E402


def local_stack():
    """The running local stack (compose/local up), as it describes itself."""
    return orchestrator_stack.Stack.load()


def state_dir():
    return local_stack().state


def b64url(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode()


def signing_key():
    """The stack's signing key, or the first of ORCH_TOKEN_SECRETS when set (a stack elsewhere)."""
    text = os.environ.get("ORCH_TOKEN_SECRETS")
    return orchestrator_stack.signing_key_of(text) if text else local_stack().signing_key()


def token(kid, secret, subject, role="EMPLOYEE", lifetime=3600):
    """A token as auth would sign it, made with the stack's own secret."""
    now = int(time.time())
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    claims = b64url(json.dumps({"sub": subject, "role": role, "iat": now, "exp": now + lifetime,
                                "iss": "orchestrator"}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{claims}".encode(), hashlib.sha256).digest()
    return f"{header}.{claims}.{b64url(signature)}"


def service_pid(service):
    return local_stack().pid(service)


def resident_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def raise_file_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed + 1024
    if soft < want:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, soft), max(want, hard)))
        except (ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            if hard < want:
                sys.exit(f"open files limit {hard} is too low for {needed} sockets (run as root or raise ulimit -n)")


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def summary(values):
    """p50/p90/p99/max/mean of latencies in ms."""
    values = sorted(values)
    if not values:
        return {}
    return {"p50_ms": round(percentile(values, 0.50), 2), "p90_ms": round(percentile(values, 0.90), 2),
            "p99_ms": round(percentile(values, 0.99), 2), "max_ms": round(values[-1], 2),
            "mean_ms": round(sum(values) / len(values), 2)}


async def open_sockets(url, tokens, concurrency, on_message=None):
    """Opens one socket per token, `concurrency` handshakes at a time, printing progress."""
    sockets = [None] * len(tokens)
    failures = []
    semaphore = asyncio.Semaphore(concurrency)
    started = time.monotonic()
    done = 0

    async def open_one(index, bearer):
        nonlocal done
        async with semaphore:
            try:
                sockets[index] = await websockets.connect(
                    f"{url}/ws?token={bearer}", ping_interval=None, compression=None, open_timeout=60, max_queue=None)
            except Exception as error:  # noqa: BLE001 - a benchmark counts every kind of failure
                failures.append(repr(error))
            done += 1
            if done % 1000 == 0 or done == len(tokens):
                rate = done / (time.monotonic() - started)
                print(f"  {done:>6}/{len(tokens)} handshakes ({rate:,.0f}/s), {len(failures)} failed", flush=True)

    await asyncio.gather(*(open_one(i, t) for i, t in enumerate(tokens)))
    if on_message:
        for index, ws in enumerate(sockets):
            if ws is not None:
                asyncio.ensure_future(read_forever(ws, index, on_message))
    return sockets, failures


async def read_forever(ws, index, on_message):
    try:
        async for message in ws:
            on_message(index, message)
    except websockets.ConnectionClosed:
        on_message(index, None)
