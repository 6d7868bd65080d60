"""Reads the services' JSON log lines for people (compose/local logs; docs/operations.md).

    python3 compose/logs.py render < tasks.log          # one readable line per record
    python3 compose/logs.py trace ID FILE...            # one trace's lines from every log, in time order

A line that is not a JSON object (nginx, PostgreSQL, a crash's last words) is passed on as it is.
"""
import json
import sys

FIRST = ("time", "level", "service", "source", "message", "trace_id", "span_id")


def record_of(line):
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record if isinstance(record, dict) and "message" in record else None


def readable(record):
    time = str(record.get("time", ""))[11:23]
    fields = " ".join(f"{key}={json.dumps(value) if not isinstance(value, str) or ' ' in value else value}"
                      for key, value in record.items() if key not in FIRST)
    trace = f" trace={record['trace_id']}" if "trace_id" in record else ""
    return f"{time} {record.get('level', ''):<8} {record.get('service', ''):<9} {record['message']}" \
           f"{' ' + fields if fields else ''}{trace}"


def render(lines):
    for line in lines:
        record = record_of(line)
        sys.stdout.write((readable(record) if record else line.rstrip("\n")) + "\n")
        sys.stdout.flush()


def trace(trace_id, paths):
    found = []
    for path in paths:
        with open(path, errors="replace") as log:
            for line in log:
                if trace_id in line and (record := record_of(line)) and record.get("trace_id") == trace_id:
                    found.append(record)
    for record in sorted(found, key=lambda r: r.get("time", "")):
        print(readable(record))
    return 0 if found else 1


if __name__ == "__main__":
    try:
        if sys.argv[1:2] == ["render"]:
            render(sys.stdin)
        elif sys.argv[1:2] == ["trace"] and len(sys.argv) >= 3:
            sys.exit(trace(sys.argv[2].lower(), sys.argv[3:]))
        else:
            sys.exit(__doc__)
    except (KeyboardInterrupt, BrokenPipeError):
        pass
