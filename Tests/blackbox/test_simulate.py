"""`orchestrator simulate` against the running stack: employees over real WebSockets take what
they are offered, some fail and the tasks are retried; nothing is lost or duplicated, and the
employees' view agrees with the admin API."""
import json
import os
import subprocess


def logged_in_cli(stack, tmp_path):
    """The CLI and an environment in which it is logged in as the first admin."""
    username, password = stack.admin()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORCH_")}
    env.update(XDG_CONFIG_HOME=str(tmp_path), ORCH_URL=f"http://127.0.0.1:{stack.edge_port}", ORCH_PASSWORD=password)
    binary = str(stack.bin_dir / "orchestrator")
    assert subprocess.run([binary, "login", "--username", username], env=env, capture_output=True).returncode == 0
    return binary, env


def test_a_short_simulation_loses_and_duplicates_nothing(stack, tmp_path):
    binary, env = logged_in_cli(stack, tmp_path)
    done = subprocess.run([binary, "simulate", "--employees", "6", "--tasks", "40", "--rate", "10", "--failure-rate", "0.15",
                           "--drain", "90", "--json"], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    report = json.loads(done.stdout)
    assert report["created"] == 40
    assert report["lost"] == 0 and report["duplicated"] == 0 and report["disagreements"] == []
    assert report["completed"] + report["failed"] == 40
    assert report["createToNotified"]["p50Ms"] > 0 and report["lifecyclesPerSecond"] > 0
    assert 0 < report["fairness"] <= 1
    assert "simulate: creating 40 tasks" in done.stderr  # progress is shown while it runs
    assert "actionToAdmin" not in report  # the admin's feed is timed only when asked


def test_watching_as_an_admin_times_every_employee_action_on_the_admins_feed(stack, tmp_path):
    binary, env = logged_in_cli(stack, tmp_path)
    done = subprocess.run([binary, "simulate", "--employees", "3", "--tasks", "12", "--rate", "10", "--failure-rate", "0",
                           "--drain", "90", "--admin-watching"], env=env, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (done.stdout[-3000:], done.stderr[-3000:])
    # What a person reads: one line per action.
    for action in ("accept", "progress", "complete"):
        line = next(line for line in done.stdout.splitlines() if line.startswith(f"{action} → admin's feed"))
        p50, p99 = (float(line.split(f"{name} ")[1].split(" ms")[0]) for name in ("p50", "p99"))
        # After the request was sent, and (loopback) well within the drain.
        assert 0 < p50 <= p99 < 60_000, line
        # The admin saw every employee's action on every task, not just some.
        assert line.endswith("(12 tasks)"), line
    assert "fail → admin's feed" not in done.stdout  # nobody failed anything
