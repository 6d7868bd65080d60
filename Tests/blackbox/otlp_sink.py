"""A stand-in for the OpenTelemetry collector, for the test stack only: it takes OTLP/HTTP JSON
(`POST /v1/traces`) the way a collector does, checks each span against OTLP's JSON encoding
(hexadecimal ids of the right length, nanosecond times as strings, a known kind) and keeps the
last spans by trace id for the tests to read (`GET /traces/<trace id>`, `GET /stats`).

    python3 otlp_sink.py --port 14318
"""

import argparse
import collections
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEX = {"traceId": re.compile(r"^[0-9a-f]{32}$"), "spanId": re.compile(r"^[0-9a-f]{16}$"),
       "parentSpanId": re.compile(r"^[0-9a-f]{16}$")}
KEEP = 20_000  # traces

lock = threading.Lock()
traces = collections.OrderedDict()
stats = {"requests": 0, "spans": 0, "malformed": 0, "problems": []}


def value(attribute):
    (kind, content), = attribute["value"].items()
    return int(content) if kind == "intValue" else content


def problems_of(span):
    found = [f"{key} {span.get(key)!r}" for key, pattern in HEX.items()
             if (key in span or key != "parentSpanId") and not pattern.match(str(span.get(key, "")))]
    for key in ("startTimeUnixNano", "endTimeUnixNano"):
        if not (isinstance(span.get(key), str) and span[key].isdigit()):
            found.append(f"{key} {span.get(key)!r}")
    if span.get("kind") not in (1, 2, 3, 4, 5) or not span.get("name"):
        found.append(f"kind/name {span.get('kind')!r} {span.get('name')!r}")
    elif int(span["endTimeUnixNano"]) < int(span["startTimeUnixNano"]):
        found.append("ends before it starts")
    return found


def keep(request):
    for resource in request["resourceSpans"]:
        attributes = {a["key"]: value(a) for a in resource["resource"]["attributes"]}
        for scope in resource["scopeSpans"]:
            for span in scope["spans"]:
                problems = problems_of(span)
                with lock:
                    stats["spans"] += 1
                    if problems:
                        stats["malformed"] += 1
                        stats["problems"] = (stats["problems"] + problems)[-20:]
                        continue
                    record = {"service": attributes.get("service.name"), "name": span["name"], "kind": span["kind"],
                              "spanId": span["spanId"], "parentSpanId": span.get("parentSpanId"),
                              "start": int(span["startTimeUnixNano"]), "end": int(span["endTimeUnixNano"]),
                              "attributes": {a["key"]: value(a) for a in span.get("attributes", [])},
                              "status": span.get("status")}
                    traces.setdefault(span["traceId"], []).append(record)
                    traces.move_to_end(span["traceId"])
                    while len(traces) > KEEP:
                        traces.popitem(last=False)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            if self.path != "/v1/traces" or self.headers.get("Content-Type") != "application/json":
                raise ValueError(f"{self.path} {self.headers.get('Content-Type')}")
            keep(json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            with lock:
                stats["malformed"] += 1
                stats["problems"] = (stats["problems"] + [f"request: {error}"])[-20:]
            return self.answer(400, {"error": str(error)})
        with lock:
            stats["requests"] += 1
        self.answer(200, {})

    def do_GET(self):
        with lock:
            if self.path == "/stats":
                return self.answer(200, stats)
            if self.path.startswith("/traces/"):
                return self.answer(200, traces.get(self.path.removeprefix("/traces/"), []))
        self.answer(404, {})

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    ThreadingHTTPServer(("127.0.0.1", parser.parse_args().port), Handler).serve_forever()
