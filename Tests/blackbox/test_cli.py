"""The `orchestrator` command line against the running stack, through the edge: login keeps a
private token, every command works in tables and in JSON, errors exit with their documented
status and a clear message, and `watch` prints live events and resumes from a cursor."""
import json
import os
import stat
import subprocess
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from auth_client import unique_name
from helpers import create_task, employee, failed_tasks, held_work, offer, task_of



@pytest.fixture
def cli(stack, tmp_path):
    """Runs the CLI with its own configuration directory; returns (exit status, stdout, stderr)."""
    def run(*args, password=None, timeout=30, url=None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
        env["ORCH_URL"] = url or f"http://127.0.0.1:{stack.edge_port}"
        if password is not None:
            env["ORCH_PASSWORD"] = password
        done = subprocess.run([str(stack.bin_dir / "orchestrator"), *args], env=env, capture_output=True, text=True,
                              timeout=timeout)
        return done.returncode, done.stdout, done.stderr
    run.config = tmp_path / "config"
    return run


@pytest.fixture
def admin_cli(stack, cli):
    username, password = stack.admin()
    status, out, err = cli("login", "--username", username, password=password)
    assert status == 0, err
    assert f"logged in as {username} (ADMIN)" in out
    return cli


def test_login_keeps_a_token_only_the_user_can_read_and_logout_forgets_it(admin_cli):
    credentials = admin_cli.config / "orchestrator" / "credentials.json"
    assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
    assert stat.S_IMODE(credentials.parent.stat().st_mode) == 0o700
    assert admin_cli("tasks", "list")[0] == 0
    assert admin_cli("logout")[0] == 0
    status, _, err = admin_cli("tasks", "list")
    assert status == 3 and "orchestrator login" in err


def test_a_wrong_password_exits_3_with_the_servers_message(stack, cli):
    username = stack.admin()[0]
    status, _, err = cli("login", "--username", username, password="not the password")
    assert status == 3 and "401" in err


def test_tasks_from_creation_to_cancellation(admin_cli):
    name = unique_name("cli-task")
    status, out, err = admin_cli("tasks", "create", "--name", name, "--description", "from the CLI", "--priority", "2",
                                 "--skills", "rare-cli-skill", "--json")
    assert status == 0, err
    task = json.loads(out)
    assert task["name"] == name and task["priority"] == 2 and task["requiredSkills"] == ["rare-cli-skill"]

    status, out, _ = admin_cli("tasks", "list", "--status", "PENDING", "--priority", "2", "--size", "100")
    assert status == 0 and "id" in out.splitlines()[0] and "status" in out.splitlines()[0]
    status, out, _ = admin_cli("tasks", "show", task["id"])
    assert status == 0 and name in out and "audit trail:" in out and "comments:" in out
    # Found by a part of its name (any case) or its id, among the tasks needing its skill.
    status, out, err = admin_cli("tasks", "list", "--search", name[4:].upper(), "--skill", "RARE-cli-skill", "--sort=-priority", "--json")
    assert status == 0, err
    assert [t["id"] for t in json.loads(out)["items"]] == [task["id"]]
    status, out, _ = admin_cli("tasks", "list", "--search", task["id"])
    assert status == 0 and name in out and "(1 task)" in out
    status, _, err = admin_cli("tasks", "list", "--sort", "cost")
    assert status != 0 and "sort" in err
    status, out, _ = admin_cli("queue", "--json", "--limit", "1000")
    assert status == 0 and any(e["taskId"].lower() == task["id"].lower() for e in json.loads(out)["items"])

    status, out, _ = admin_cli("tasks", "cancel", task["id"], "--json")
    assert status == 0 and json.loads(out)["status"] == "CANCELLED"
    status, _, err = admin_cli("tasks", "cancel", task["id"])
    assert status == 6 and "409" in err
    status, _, err = admin_cli("tasks", "show", str(uuid.uuid4()))
    assert status == 5 and "404" in err
    status, _, err = admin_cli("tasks", "create", "--name", "x", "--priority", "9")
    assert status == 7 and "priority" in err


def test_users_employees_and_stats(admin_cli):
    username = unique_name("cli-user")
    status, out, err = admin_cli("users", "create", "--username", username, "--password", "a long enough password",
                                 "--full-name", "Cli Person", "--email", f"{username}@example.com", "--json")
    assert status == 0, err
    user = json.loads(out)
    status, out, err = admin_cli("users", "update", user["id"], "--skills", "billing, french", "--capacity", "3", "--json")
    assert status == 0, err
    updated = json.loads(out)
    assert updated["skills"] == ["billing", "french"] and updated["capacity"] == 3
    status, _, err = admin_cli("users", "update", user["id"])
    assert status == 7 and "nothing to change" in err
    status, _, err = admin_cli("users", "update", user["id"], "--role", "boss")
    assert status == 7 and "ADMIN or EMPLOYEE" in err
    status, out, _ = admin_cli("users", "list")
    assert status == 0 and "username" in out.splitlines()[0]
    for command in (["employees"], ["stats"], ["stats", "--window", "15m"], ["queue"]):
        status, out, err = admin_cli(*command)
        assert status == 0, (command, err)
    status, out, _ = admin_cli("stats", "--json")
    assert "tasksByStatus" in json.loads(out)
    status, _, err = admin_cli("stats", "--window", "forever")
    assert status == 7 and "window" in err


def test_an_employee_is_refused_admin_commands_with_status_4(api, cli):
    _, _, body = employee(api)
    assert cli("login", "--username", body["username"], password=body["password"])[0] == 0
    status, _, err = cli("tasks", "list")
    assert status == 4 and "403" in err


def test_a_server_that_is_down_exits_8(cli):
    status, _, err = cli("login", "--username", "x", password="y", url="http://127.0.0.1:9")
    assert status == 8 and "cannot reach" in err


def test_an_answer_cut_off_mid_body_is_a_server_that_went_away_not_a_wrong_answer(cli):
    """A service killed while its answer is on the wire leaves the client a 200 with half a body:
    that is exit 8 (retried by every persistent request, like any unreachable server: the work
    may have committed), never exit 1, "the answer does not match the document"."""
    import socket
    import threading
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n"
                                   b'{"token": "abc", "expiresAt": "2026-12-')
    threading.Thread(target=serve, daemon=True).start()
    try:
        status, _, err = cli("login", "--username", "x", password="y", url=f"http://127.0.0.1:{listener.getsockname()[1]}")
    finally:
        listener.close()
    assert status == 8 and "cannot reach" in err, err


def test_watch_prints_live_events_and_resumes_after_a_cursor(stack, admin_cli):
    config = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
    config.update(XDG_CONFIG_HOME=str(admin_cli.config), ORCH_URL=f"http://127.0.0.1:{stack.edge_port}")
    watcher = subprocess.Popen([str(stack.bin_dir / "orchestrator"), "watch", "--json", "--count", "1", "--type", "task.created"], env=config,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    import time
    time.sleep(1)
    name = unique_name("watched")
    status, out, _ = admin_cli("tasks", "create", "--name", name, "--skills", "rare-watch-skill", "--json")
    assert status == 0
    first_task = json.loads(out)
    out, err = watcher.communicate(timeout=20)
    assert watcher.returncode == 0, err
    [line] = out.splitlines()
    event = json.loads(line)
    assert event["type"] == "task.created" and event["data"]["name"] == name

    # Two more tasks while nobody watches; watching after the first event's cursor shows exactly them.
    later = [json.loads(admin_cli("tasks", "create", "--name", unique_name("later"), "--skills", "rare-watch-skill",
                                  "--json")[1])["id"] for _ in range(2)]
    time.sleep(1)
    status, out, err = admin_cli("watch", "--after", str(event["cursor"]), "--count", "2", "--type", "task.", "--json",
                                 timeout=20)
    assert status == 0, err
    created = [json.loads(line) for line in out.splitlines()]
    assert [e["type"] for e in created] == ["task.created", "task.created"]
    assert [e["data"]["taskId"].lower() for e in created] == [t.lower() for t in later]
    # The same event as a person reads it: cursor, type, time to the second, the data as JSON.
    status, out, err = admin_cli("watch", "--after", str(event["cursor"]), "--count", "1", "--type", "task.", timeout=20)
    assert status == 0, err
    cursor, kind, at, data = out.strip().split("  ", 3)
    assert (cursor, kind) == (str(created[0]["cursor"]), "task.created") and at == created[0]["occurredAt"].split(".")[0] + "Z"
    assert json.loads(data) == created[0]["data"]
    for task_id in [first_task["id"], *later]:
        admin_cli("tasks", "cancel", task_id)


def table(out):
    """The rows of a table the CLI printed, as dicts by column (cells are split on 2+ spaces)."""
    import re
    lines = [line for line in out.splitlines() if line.strip()]
    headers = re.split(r"\s{2,}", lines[0].strip())
    return [dict(zip(headers, re.split(r"\s{2,}", line.strip()))) for line in lines[1:] if not line.startswith("(")]


def test_numbers_print_as_numbers_and_only_true_or_false_as_yes_or_no(admin_cli):
    """1 printed as `yes` and 0 as `no` in every table (priority, attempt, load, …)."""
    status, out, err = admin_cli("tasks", "create", "--name", unique_name("one"), "--priority", "1", "--skills", "rare-cli-skill",
                                 "--json")
    assert status == 0, err
    task = json.loads(out)
    status, out, _ = admin_cli("tasks", "show", task["id"])
    [row] = table(out.split("\ndescription:")[0])
    assert row["priority"] == "1" and row["attempt"] == "1" and row["progress"] == "0", row
    assert "yes" not in out.split("\ndescription:")[0] and " no " not in out.split("\ndescription:")[0]
    status, out, _ = admin_cli("employees")
    assert status == 0
    for employee_row in table(out):
        assert employee_row["online"] in ("yes", "no") and employee_row["load"].isdigit() and employee_row["capacity"].isdigit()
    admin_cli("tasks", "cancel", task["id"])


def test_tasks_list_filters_by_assignee_and_says_which_page_of_how_many(admin_cli):
    status, out, err = admin_cli("tasks", "list", "--assignee", str(uuid.uuid4()))
    assert status == 0, err
    assert "(none)" in out and "page 1 of 1 (0 tasks)" in out
    status, out, _ = admin_cli("tasks", "list", "--size", "1")
    last = out.strip().splitlines()[-1]
    assert last.startswith("page 1 of ") and last.endswith(" tasks)") and "page no" not in out


def test_usage_errors_exit_2_and_an_unreachable_server_8_even_when_not_logged_in_there(cli, admin_cli):
    status, _, err = admin_cli("tasks", "list", "--no-such-option")
    assert status == 2 and "no-such-option" in err
    status, _, err = admin_cli("tasks", "frobnicate")
    assert status == 2
    status, _, err = cli("queue", url="http://127.0.0.1:9")
    assert status == 8 and "cannot reach" in err and "not logged in" not in err


def test_task_details_and_help_say_what_a_person_needs(admin_cli):
    status, out, err = admin_cli("tasks", "create", "--name", unique_name("detail"), "--description", "replace the printer toner",
                                 "--skills", "rare-cli-skill", "--due", "2031-01-01T09:00:00Z", "--json")
    assert status == 0, err
    task = json.loads(out)
    status, out, _ = admin_cli("tasks", "show", task["id"])
    assert "description: replace the printer toner" in out and "due: 2031-01-01T09:00:00" in out and "attempts: 1 of 3" in out
    admin_cli("tasks", "cancel", task["id"])
    status, out, _ = admin_cli("tasks", "--help")
    for subcommand in ("list", "create", "show", "assign", "retry", "cancel"):
        line = next(l for l in out.splitlines() if l.strip().startswith(subcommand + " ") or l.strip() == subcommand)
        assert len(line.split(subcommand, 1)[1].strip()) > 10, f"`tasks {subcommand}` has no help: {line!r}"
    status, _, err = admin_cli("stats", "--window", "9d")
    assert status == 7 and "(8d)" in err and "seconds" not in err, err
    status, out, err = admin_cli("stats", "--window", "30m", "--to", "2020-01-01T00:00:00Z")
    assert status == 7 and "further back than the retention" in err, (status, out, err)
    an_hour_ago = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, out, err = admin_cli("stats", "--window", "30m", "--to", an_hour_ago)
    assert status == 0 and out.startswith("window 30m"), (status, out, err)
    status, out, err = admin_cli("stats", "--window", "30m", "--to", "yesterday")
    assert status == 7 and "--to must be an RFC 3339 time" in err, err


def test_an_employee_lists_accepts_and_declines_offers_and_an_admin_cancels_with_a_reason(stack, api, admin, broker, cli):

    worker, _, body = employee(api)
    first = offer(broker, api, admin, call_create(api, admin), worker["id"])
    second = offer(broker, api, admin, call_create(api, admin), worker["id"])
    status, out, err = cli("login", "--username", body["username"], password=body["password"])
    assert status == 0, err
    status, out, err = cli("work")
    assert status == 0, err
    rows = table(out.rsplit("\n", 2)[0])
    assert {r["id"].lower() for r in rows} == {first["id"].lower(), second["id"].lower()} and out.strip().endswith("2 tasks")
    status, out, err = cli("work", "--json")
    for item in json.loads(out)["items"]:
        row = next(r for r in rows if r["id"] == item["id"])
        assert (row["priority"], row["status"], row["attempt"], row["progress"]) == (
            str(item["priority"]), item["status"], str(item["attempt"]), str(item["progress"]))
        expires = item.get("offerExpiresAt")
        assert row["offerExpiresAt"] == ("-" if expires is None else expires.split(".")[0] + "Z")
    status, out, err = cli("work", "decline", first["id"], "--reason", "not my area")
    assert status == 0 and "declined" in out, err
    status, _, err = cli("work", "decline", first["id"])
    assert status == 4 and "403" in err
    status, out, err = cli("work", "accept", second["id"])
    assert status == 0 and "IN_PROGRESS" in out, err
    assert task_of(api, admin, first["id"])["audit"][-1]["reason"] == "not my area"

    username, password = stack.admin()
    assert cli("login", "--username", username, password=password)[0] == 0
    status, out, err = cli("tasks", "cancel", second["id"], "--reason", "customer withdrew")
    assert status == 0 and "CANCELLED" in out, err
    assert task_of(api, admin, second["id"])["audit"][-1]["reason"] == "customer withdrew"
    status, out, err = cli("tasks", "list", "--overdue")
    assert status == 0 and "page 1 of" in out, err
    status, out, err = cli("queue")
    assert status == 0 and "waitingFor" in out.splitlines()[0], err
    cli("tasks", "cancel", first["id"])


def call_create(api, admin):
    from auth_client import call
    status, _, task = call(api("/api/admin/tasks"), "POST", {"name": unique_name("cli-work"), "priority": 3,
                                                             "requiredSkills": ["rare-cli-skill"]}, token=admin)
    assert status == 201, task
    return task


def same_task(row, task):
    """A `tasks` table row says what the task's JSON says, each column in its own type."""
    assert row["id"] == task["id"] and row["name"] == task["name"] and row["status"] == task["status"]
    assert row["priority"] == str(task["priority"]) and row["attempt"] == str(task["attempt"])
    assert row["progress"] == str(task["progress"]) and row["requiredSkills"] == (",".join(task["requiredSkills"]) or "-")
    assert row["assigneeId"] == task.get("assigneeId", "-")
    due = task.get("dueAt")
    assert row["dueAt"] == ("-" if due is None else due.split(".")[0] + "Z"), (row["dueAt"], due)


def test_every_tasks_table_shows_what_its_json_says(admin_cli):
    """`tasks create`, `list`, `show` and `cancel`: the table and `--json` of the same answer agree
    column by column (the CLI reads the answers through the client generated from the tasks
    service's document, docs/api.md)."""
    name = unique_name("typed")
    status, out, err = admin_cli("tasks", "create", "--name", name, "--priority", "4", "--skills", "rare-cli-skill,second-skill",
                                 "--due", "2031-05-06T07:08:09Z", "--max-attempts", "5")
    assert status == 0, err
    [created] = table(out)
    status, out, err = admin_cli("tasks", "show", created["id"], "--json")
    assert status == 0, err
    detail = json.loads(out)
    same_task(created, detail)
    assert detail["maxAttempts"] == 5 and detail["dueAt"].startswith("2031-05-06T07:08:09")
    assert [entry["action"] for entry in detail["audit"]][:1] == ["create"] and detail["comments"] == []

    status, out, _ = admin_cli("tasks", "show", created["id"])
    [row] = table(out.split("\ndescription:")[0])
    same_task(row, detail)
    audit = table(out.split("audit trail:")[1])
    assert [entry["action"] for entry in audit] == [entry["action"] for entry in detail["audit"]]

    status, out, err = admin_cli("tasks", "cancel", created["id"], "--reason", "typed test")
    assert status == 0, err
    [cancelled] = table(out)
    status, out, _ = admin_cli("tasks", "show", created["id"], "--json")
    after = json.loads(out)
    same_task(cancelled, after)
    assert after["status"] == "CANCELLED" and after["audit"][-1]["reason"] == "typed test"

    # Ended tasks do not change between the two calls (open ones may be offered meanwhile).
    arguments = ("--status", "CANCELLED", "--priority", "4", "--size", "100")
    status, out, _ = admin_cli("tasks", "list", *arguments)
    rows = {row["id"]: row for row in table(out.split("\npage ")[0])}
    status, listed, _ = admin_cli("tasks", "list", *arguments, "--json")
    page = json.loads(listed)
    assert list(rows) == [task["id"] for task in page["items"]] and created["id"] in rows
    same_task(rows[created["id"]], next(task for task in page["items"] if task["id"] == created["id"]))
    total = page["total"]
    assert f"page 1 of {max(1, -(-total // page['size']))} ({total} {'task' if total == 1 else 'tasks'})" in out

    status, _, err = admin_cli("tasks", "list", "--status", "DONE")
    assert status == 2 and "PENDING" in err
    status, _, err = admin_cli("tasks", "create", "--name", "x", "--due", "next tuesday")
    assert status == 7 and "RFC 3339" in err


def test_the_team_tables_show_what_their_json_says(admin_cli):
    """`users`, `employees`, `queue` and `stats`: the table (or lines) and `--json` of the same
    answer agree, each column in its own type."""
    import time
    username = unique_name("typed-user")
    status, out, err = admin_cli("users", "create", "--username", username, "--password", "a long enough password",
                                 "--full-name", "Typed Person", "--email", f"{username}@example.com", "--role", "employee")
    assert status == 0, err
    [created] = table(out)
    status, out, err = admin_cli("users", "update", created["id"], "--skills", "rare-typed-skill,french", "--capacity", "3", "--json")
    assert status == 0, err
    user = json.loads(out)
    assert (created["username"], created["role"], created["active"]) == (username, "EMPLOYEE", "yes")

    total = json.loads(admin_cli("users", "--size", "100", "--json")[1])["total"]
    last = str((total - 1) // 100)
    status, out, _ = admin_cli("users", "--page", last)
    rows = {row["id"]: row for row in table(out.split("\npage ")[0])}
    listed = {item["id"]: item for item in json.loads(admin_cli("users", "--page", last, "--json")[1])["items"]}
    assert list(rows) == list(listed)
    row, item = rows[user["id"]], listed[user["id"]]
    assert (row["capacity"], row["skills"], row["active"], row["role"]) == (
        str(item["capacity"]), ",".join(item["skills"]) or "-", "yes" if item["active"] else "no", item["role"])
    assert out.strip().endswith(f"page {int(last) + 1} of {int(last) + 1} ({total} accounts)")

    deadline = time.monotonic() + 10  # the scheduler hears of the account through events
    while True:
        status, out, _ = admin_cli("employees")
        mine = [row for row in table(out) if row["id"] == user["id"]]
        if (mine and mine[0]["capacity"] == "3") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    [row] = mine
    item = next(e for e in json.loads(admin_cli("employees", "--json")[1])["items"] if e["id"] == user["id"])
    assert (row["online"], row["availability"], row["load"], row["capacity"], row["skills"], row["idleSince"]) == (
        "yes" if item["online"] else "no", item["availability"], str(item["load"]), str(item["capacity"]),
        ",".join(item["skills"]) or "-", "-" if item.get("idleSince") is None else item["idleSince"].split(".")[0] + "Z")

    status, out, err = admin_cli("tasks", "create", "--name", unique_name("typed-wait"), "--priority", "5", "--skills", "no-one-has-this",
                                 "--json")
    task = json.loads(out)
    status, out, _ = admin_cli("queue", "--limit", "1000")
    [row] = [row for row in table(out.rsplit("\n", 2)[0]) if row["taskId"] == task["id"]]
    queue = json.loads(admin_cli("queue", "--limit", "1000", "--json")[1])
    item = next(entry for entry in queue["items"] if entry["taskId"] == task["id"])
    assert (row["priority"], row["effectivePriority"], row["requiredSkills"], row["waitingFor"]) == (
        str(item["priority"]), str(item["effectivePriority"]), ",".join(item["requiredSkills"]) or "-", item["waitingFor"]["text"])
    assert out.strip().endswith(f"{queue['total']} waiting")
    admin_cli("tasks", "cancel", task["id"])

    # Figures move while anything is in flight: compare a table and a JSON read back to back
    # until two such reads agree.
    for _ in range(10):
        status, out, _ = admin_cli("stats")
        figures = json.loads(admin_cli("stats", "--json")[1])
        lines = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
        by_status = ", ".join(f"{k} {v}" for k, v in sorted(figures["tasksByStatus"].items()))
        if lines["tasks by status"].strip() == by_status and f"overdue {figures['overdueTasks']}, retries {figures['retries']}" in out:
            break
        time.sleep(0.5)
    assert lines["tasks by status"].strip() == by_status
    assert f"overdue {figures['overdueTasks']}, retries {figures['retries']}" in out
    assert f"jainIndex {figures['fairness']['jainIndex']:.2f}" in out or f"jainIndex {figures['fairness']['jainIndex']:.0f}" in out


def test_assign_and_retry_print_what_their_json_says(api, admin, broker, admin_cli):
    """`tasks assign` prints the answer's message as `--json` has it; `tasks retry` a FAILED
    task's row as `tasks show --json` has it afterwards."""
    from auth_client import call


    def create(**extra):
        status, _, task = call(api("/api/admin/tasks"), "POST", {"name": unique_name("cli-typed"), "priority": 2,
                                                                 "requiredSkills": ["rare-cli-skill"], **extra}, token=admin)
        assert status == 201, task
        return task

    # Asking the scheduler to offer a task by hand: the same answer in words and in JSON.
    worker, token, _ = employee(api)
    first, second = create(), create()
    status, out, err = admin_cli("tasks", "assign", first["id"], worker["id"])
    assert status == 0, err
    status, reply, err = admin_cli("tasks", "assign", second["id"], worker["id"], "--json")
    assert status == 0, err
    assert out.strip() == json.loads(reply)["message"] and json.loads(reply)["message"]
    for task in (first, second):
        admin_cli("tasks", "cancel", task["id"])

    task = create(maxAttempts=1)
    offer(broker, api, admin, task, worker["id"])
    assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", {}, token=token).status == 200
    status, _, failed = call(api(f"/api/employee/tasks/{task['id']}/fail"), "POST", {"message": "no answer"}, token=token)
    assert status == 200 and failed["status"] == "FAILED", failed

    status, out, err = admin_cli("tasks", "retry", task["id"])
    assert status == 0, err
    [row] = table(out)
    status, out, _ = admin_cli("tasks", "show", task["id"], "--json")
    same_task(row, json.loads(out))
    assert row["status"] == "PENDING"
    admin_cli("tasks", "cancel", task["id"])


def test_retry_and_cancel_act_on_many_tasks_in_one_request_and_say_what_each_did(api, admin, broker, admin_cli):
    """Several ids (or --all-failed) go in one bulk request; a line per task, and exit status 6
    when any was left as it was."""
    tag = uuid.uuid4().hex[:6]
    nobody = [f"nobody{tag}"]
    first, second = failed_tasks(api, admin, broker, [f"cli bulk {tag} {n}" for n in (1, 2)], skills=nobody)
    waiting = create_task(api, admin, skills=nobody, name=f"cli bulk {tag} waiting")

    status, out, err = admin_cli("tasks", "retry", first["id"], waiting["id"])
    assert status == 6 and "1 of 2 left as they were" in err, (status, err)
    rows = {row["id"]: row for row in table(out.split("\n1 of 2 retried")[0])}
    assert rows[first["id"]]["outcome"] == "changed" and rows[first["id"]]["status"] == "PENDING", rows
    assert rows[waiting["id"]] == {"id": waiting["id"], "outcome": "refused", "status": "PENDING",
                                   "why": "it is PENDING; only a FAILED task can be retried"}, rows
    assert "1 of 2 retried" in out

    # Every FAILED task, found first: the one left here among them.
    status, out, err = admin_cli("tasks", "retry", "--all-failed", "--json")
    retried = [item["id"] for item in json.loads(out)["results"] if item["outcome"] == "changed"]
    assert status in (0, 6), err
    assert second["id"] in retried and first["id"] not in retried
    # The tasks other tests left FAILED go back out of the queue, with the ones made here.
    status, out, err = admin_cli("tasks", "cancel", *retried, first["id"], waiting["id"], "--reason", "cleaning up", "--json")
    result = json.loads(out)
    assert status == 0 and result["changed"] == len(retried) + 2, (err, result)
    assert task_of(api, admin, waiting["id"])["audit"][-1]["reason"] == "cleaning up"

    for arguments in (("tasks", "retry"), ("tasks", "retry", first["id"], "--all-failed"), ("tasks", "cancel")):
        status, _, err = admin_cli(*arguments)
        assert status == 2, (arguments, err)
    status, _, err = admin_cli("tasks", "cancel", first["id"], "not-an-id")
    assert status == 7 and "ids[1] must be a UUID" in err, err


def test_edit_and_reprioritise_change_open_tasks_and_say_what_they_did(api, admin, admin_cli):
    tag = uuid.uuid4().hex[:6]
    nobody = [f"nobody{tag}"]
    task = create_task(api, admin, priority=3, skills=nobody, name=f"cli edit {tag}")
    status, out, err = admin_cli("tasks", "edit", task["id"], "--priority", "1", "--skills", f"nobody{tag}, german",
                                 "--due", "2099-01-01T09:00:00Z", "--version", "1", "--json")
    assert status == 0, err
    edited = json.loads(out)
    assert (edited["priority"], edited["requiredSkills"], edited["dueAt"], edited["version"]) == \
        (1, [f"nobody{tag}", "german"], "2099-01-01T09:00:00.000Z", 2), edited
    # From an outdated version: refused as a conflict, nothing changed.
    status, _, err = admin_cli("tasks", "edit", task["id"], "--priority", "2", "--version", "1")
    assert status == 6 and "moved on since the version given" in err, err
    assert task_of(api, admin, task["id"])["priority"] == 1
    status, _, err = admin_cli("tasks", "edit", task["id"])
    assert status == 2 and "--priority" in err, err
    # "none" removes the due time (sent as an explicit null); left out, it stays.
    status, out, err = admin_cli("tasks", "edit", task["id"], "--description", "no hurry", "--due", "none", "--json")
    assert status == 0, err
    assert "dueAt" not in json.loads(out) and json.loads(out)["description"] == "no hurry", out
    status, out, err = admin_cli("tasks", "edit", task["id"], "--due", "NONE", "--json")
    assert status == 0 and json.loads(out)["version"] == 3, (status, out, err)

    other = create_task(api, admin, priority=2, skills=nobody, name=f"cli edit {tag} other")
    status, out, err = admin_cli("tasks", "reprioritise", task["id"], other["id"], "--priority", "1")
    assert status == 0, err
    rows = {row["id"]: row for row in table(out.split("\n1 of 2 reprioritised")[0])}
    assert rows[task["id"]]["outcome"] == "unchanged" and rows[other["id"]]["outcome"] == "changed", rows
    assert task_of(api, admin, other["id"])["priority"] == 1
    admin_cli("tasks", "cancel", task["id"], other["id"])
    status, out, err = admin_cli("tasks", "reprioritise", task["id"], "--priority", "2")
    assert status == 6 and "1 of 1 left as they were" in err, (status, out, err)


def test_unassign_takes_an_offer_back_and_refuses_a_task_nobody_holds(api, admin, broker, admin_cli):
    worker, _, _ = employee(api)
    task = create_task(api, admin, skills=[f"nobody{uuid.uuid4().hex[:6]}"])
    offer(broker, api, admin, task, worker["id"])
    status, out, err = admin_cli("tasks", "unassign", task["id"], "--reason", "wrong person", "--json")
    assert status == 0, err
    back = json.loads(out)
    assert back["status"] == "PENDING" and "assigneeId" not in back, back
    assert task_of(api, admin, task["id"])["audit"][-1]["reason"] == "wrong person"
    status, _, err = admin_cli("tasks", "unassign", task["id"])
    assert status == 6 and "PENDING" in err, err
    admin_cli("tasks", "cancel", task["id"])


def test_workload_lists_who_holds_what_and_for_how_long(api, admin, broker, admin_cli):
    worker, offered, working = held_work(api, admin, broker, "cli held")
    status, out, err = admin_cli("workload")
    assert status == 0, err
    rows = {row["taskId"]: row for row in table(out) if "taskId" in row}
    mine = [rows[offered["id"]], rows[working["id"]]]
    assert all(row["employee"] == worker["username"] for row in mine), mine
    assert (mine[0]["status"], mine[0]["workingFor"]) == ("ASSIGNED", "-"), mine
    assert mine[1]["status"] == "IN_PROGRESS" and mine[1]["workingFor"].endswith("s"), mine
    assert out.rstrip().splitlines()[-1].split(" held by ")[0].endswith("tasks"), out

    status, out, err = admin_cli("workload", "--json")
    assert status == 0, err
    holder = next(h for h in json.loads(out)["holders"] if h["employeeId"].lower() == worker["id"].lower())
    assert [t["id"] for t in holder["tasks"]] == [offered["id"], working["id"]], holder
    assert "acceptedAt" in holder["tasks"][1] and "acceptedAt" not in holder["tasks"][0], holder
    status, _, err = admin_cli("workload", "--limit", "0")
    assert status == 7 and "limit" in err, err
    admin_cli("tasks", "cancel", offered["id"], working["id"])


def test_dead_letters_listed_shown_and_discarded(admin_cli, broker):
    import pika

    message = str(uuid.uuid4())
    broker.channel.basic_publish(
        exchange="orchestrator.events", routing_key="task.cancelled", body=b"{not json from the cli test",
        properties=pika.BasicProperties(message_id=message, type="task.cancelled", delivery_mode=2))

    def listed():
        status, out, err = admin_cli("dead-letters", "list", "scheduler", "--type", "task.cancelled", "--json")
        assert status == 0, err
        return [letter for letter in json.loads(out)["items"] if letter["messageId"] == message]

    from conftest import wait_for
    wait_for(listed, 30, what="the poison among the scheduler's dead letters")
    [letter] = listed()
    status, out, err = admin_cli("dead-letters", "list", "scheduler", "--queue", "scheduler.events")
    assert status == 0, err
    header, *rows = out.splitlines()
    assert header.split() == ["id", "queue", "type", "attempts", "times", "lastDeadAt", "error"]
    assert any(row.split()[:3] == [str(letter["id"]), "scheduler.events", "task.cancelled"] for row in rows), out
    status, out, err = admin_cli("dead-letters", "show", "scheduler", str(letter["id"]))
    assert status == 0, err
    assert "cannot decode" in out and "{not json from the cli test" in out and "x-orch-queue: scheduler.events" in out

    # Usage errors exit 2; a letter that is not there exits 5 with the server's message.
    assert admin_cli("dead-letters", "replay", "scheduler")[0] == 2
    assert admin_cli("dead-letters", "discard", "scheduler", str(letter["id"]), "--all")[0] == 2
    assert admin_cli("dead-letters", "replay", "scheduler", str(letter["id"]), "--type", "task.cancelled")[0] == 2
    assert admin_cli("dead-letters", "list", "nobody")[0] == 2
    status, _, err = admin_cli("dead-letters", "show", "scheduler", "987654321")
    assert status == 5 and "404" in err

    assert admin_cli("dead-letters", "replay", "scheduler", "--all", "--type", "no.such.type")[1].strip() == "replayed 0"
    assert admin_cli("dead-letters", "discard", "scheduler", str(letter["id"]))[1].strip() == "discarded 1"
    assert not listed()
    # The other consumers kept their copies: discard those by type.
    for service in ("analytics", "notifier"):
        status, out, err = admin_cli("dead-letters", "discard", service, "--all", "--type", "task.cancelled")
        assert status == 0 and out.startswith("discarded "), err
