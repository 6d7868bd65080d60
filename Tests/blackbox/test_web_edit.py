"""Editing an open task in the web UI as an admin would: the Edit dialog on a task's detail
changes its priority and the queue reorders — also when the queue is opened before the scheduler
has applied the edit the feed already showed; an edit made from an outdated view is refused in
the dialog rather than overwriting what changed, and leaving the page closes the dialog. Screenshots in .build/test-artifacts/web/."""
import contextlib
import os
import subprocess
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from auth_client import call
from conftest import sql, wait_for
from helpers import admin_credentials, create_task, task_of


def queue_order(page, *tasks):
    ids = [task["id"].lower() for task in tasks]
    rows = page.driver.find_elements(By.CSS_SELECTOR, "#queue tbody tr")
    return [row.get_attribute("data-task").lower() for row in rows if row.get_attribute("data-task").lower() in ids]


def test_an_edit_of_priority_changes_the_queue_order(stack, api, admin, pages):
    tag = uuid.uuid4().hex[:6]
    later = create_task(api, admin, priority=4, skills=[f"nobody{tag}"], name=f"Edit {tag} later")
    sooner = create_task(api, admin, priority=3, skills=[f"nobody{tag}"], name=f"Edit {tag} sooner")

    for width, label in ((390, "phone"), (1280, "desktop")):
        page = pages(width=width, height=900)
        page.login(*admin_credentials(stack))
        page.driver.get(page.base + f"#/tasks/{later['id']}")
        page.find("#edit-task").click()
        page.wait(lambda: page.text("#edit-title") == f"Edit “{later['name']}”", what="the edit dialog")
        page.shot(f"admin-task-edit-{label}")
        page.find("#edit-close").click()
        page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "#edit-title"), what="the dialog closed")
        if label == "phone":
            continue
        page.driver.get(page.base + "#/queue")
        page.wait(lambda: queue_order(page, later, sooner) == [sooner["id"].lower(), later["id"].lower()], what="the more urgent one first")
        page.driver.get(page.base + f"#/tasks/{later['id']}")
        page.find("#edit-task").click()
        Select(page.find("#edit-priority")).select_by_value("1")
        description = page.find("#edit-description")
        description.clear()
        description.send_keys("Call the supplier first")
        page.find("#edit-save").click()
        page.wait(lambda: page.told(f"Saved “{later['name']}”."), what="the edit saved")
        page.wait(lambda: "Call the supplier first" in page.text("#task-detail"), what="the new description on the detail")
        page.wait(lambda: "priority 1; description rewritten" in page.text("#task-detail ~ section table"), what="the edit in the audit trail")
        page.driver.get(page.base + "#/queue")
        page.wait(lambda: queue_order(page, later, sooner) == [later["id"].lower(), sooner["id"].lower()], what="the edited one first")
        page.shot("admin-queue-after-edit-desktop")

    edited = task_of(api, admin, later["id"])
    assert (edited["priority"], edited["description"], edited["status"]) == (1, "Call the supplier first", "PENDING")
    for task in (later, sooner):
        call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


@contextlib.contextmanager
def scheduler_held_on(stack, task_id):
    """The scheduler's row of a task locked by another session, as a long transaction would: the
    scheduler's consumer waits to apply anything to it, while its queue is still read as it was."""
    holder = subprocess.Popen(
        ["psql", "-h", "127.0.0.1", "-p", str(stack.database_port("scheduler")), "-U", "postgres", "-d", "orchestrator", "-q"],
        env=dict(os.environ, PGPASSWORD="postgres-test", PGAPPNAME="orch-test-holder"), stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL, text=True)
    try:
        holder.stdin.write(f"BEGIN;\nSELECT 1 FROM scheduler.tasks WHERE id = '{task_id}' FOR UPDATE;\n")
        holder.stdin.flush()
        wait_for(lambda: sql(stack, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'orch-test-holder' "
                                    "AND state = 'idle in transaction'", service="scheduler") == "1", 10, what="the row locked")
        yield
    finally:
        holder.stdin.write("COMMIT;\n")
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_queue_opened_before_the_scheduler_has_an_edit_catches_up_by_itself(stack, api, admin, pages):
    """The feed and the scheduler's queue are two paths: the edit can reach the admin's page first.
    A queue opened then shows the scheduler's older order, and must correct itself when the
    scheduler catches up, though no further event comes."""
    tag = uuid.uuid4().hex[:6]
    later = create_task(api, admin, priority=4, skills=[f"nobody{tag}"], name=f"Held {tag} later")
    sooner = create_task(api, admin, priority=3, skills=[f"nobody{tag}"], name=f"Held {tag} sooner")
    page = pages(width=1280, height=900)
    page.login(*admin_credentials(stack))
    page.driver.get(page.base + "#/queue")
    page.wait(lambda: queue_order(page, later, sooner) == [sooner["id"].lower(), later["id"].lower()], what="the more urgent one first")
    with scheduler_held_on(stack, later["id"]):
        page.driver.get(page.base + "#/events")
        status, _, reply = call(api(f"/api/admin/tasks/{later['id']}"), "PATCH", {"priority": 1}, token=admin)
        assert status == 200, reply
        edited = lambda: any("task.edited" in item.text and later["id"].lower() in item.text.lower()
                             for item in page.driver.find_elements(By.CSS_SELECTOR, "#event-feed li"))
        page.wait(edited, what="the edit on the live feed")
        page.driver.get(page.base + "#/queue")
        page.wait(lambda: queue_order(page, later, sooner) == [sooner["id"].lower(), later["id"].lower()],
                  what="the scheduler's order before the edit, while it waits")
        page.shot("admin-queue-before-the-scheduler-caught-up")
    page.wait(lambda: queue_order(page, later, sooner) == [later["id"].lower(), sooner["id"].lower()], what="the queue catching up")
    # The same with the queue open: the edit comes on the feed, the reload it starts finds the
    # scheduler's older view, and the page must go on asking until it agrees.
    with scheduler_held_on(stack, later["id"]):
        status, _, reply = call(api(f"/api/admin/tasks/{later['id']}"), "PATCH", {"priority": 5}, token=admin)
        assert status == 200, reply
        wait_for(lambda: sql(stack, "SELECT count(*) FROM notifier.notifications WHERE type = 'task.edited' "
                                    f"AND data::jsonb->>'taskId' ILIKE '{later['id']}' AND (data::jsonb->>'version')::int = {reply['version']}") != "0",
                 10, what="the edit in the notifier's log")
        since = page.driver.execute_script("performance.clearResourceTimings(); return performance.now();")
        asked = f"""return performance.getEntriesByType("resource").some((e) =>
            e.name.includes("/api/scheduler/queue") && e.startTime > {since} && e.responseEnd > 0);"""
        page.wait(lambda: page.driver.execute_script(asked), what="the queue asked again after the edit, while the scheduler waits")
        # (Read as the waits read it: the table is redrawn every second, and a row read mid-redraw is stale.)
        page.wait(lambda: queue_order(page, later, sooner) == [later["id"].lower(), sooner["id"].lower()],
                  what="the scheduler's order before this edit, while it waits")
    page.wait(lambda: queue_order(page, later, sooner) == [sooner["id"].lower(), later["id"].lower()], what="the open queue catching up")
    for task in (later, sooner):
        call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


def test_an_edit_from_an_outdated_view_is_refused_in_the_dialog(stack, api, admin, pages):
    task = create_task(api, admin, priority=3, skills=[f"nobody{uuid.uuid4().hex[:6]}"])
    page = pages(width=1280, height=900)
    page.login(*admin_credentials(stack))
    page.driver.get(page.base + f"#/tasks/{task['id']}")
    page.find("#edit-task").click()
    # Someone else edits it meanwhile.
    status, _, reply = call(api(f"/api/admin/tasks/{task['id']}"), "PATCH", {"priority": 5}, token=admin)
    assert status == 200, reply
    Select(page.find("#edit-priority")).select_by_value("1")
    page.find("#edit-save").click()
    page.wait(lambda: "Someone changed this task after you opened it." in page.text("#edit-title ~ .form-error"), what="the refusal in the dialog")
    page.shot("admin-task-edit-conflict-desktop")
    assert task_of(api, admin, task["id"])["priority"] == 5
    # Going elsewhere closes the dialog: it belongs to the task's page.
    page.driver.get(page.base + "#/queue")
    page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "#edit-title"), what="the dialog closed by leaving the page")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
