"""The web UI through a working day's defects, in a real browser: declining an offer and seeing
its time run down, comments and cancellations reaching the employee, why someone is Away, the
overdue figure leading to the overdue tasks, work taken back with a reason, the team table after a save, the Assign list,
legible charts, the connection badge when the network goes, every registration error at once,
focus after acting, and an answer to "Ask for work". Screenshots go beside test_web.py's."""
import time
import uuid
from datetime import datetime, timedelta, timezone

from selenium.webdriver.common.by import By

from auth_client import call, unique_name
from conftest import wait_for

from helpers import admin_credentials, card, clear_the_floor, confirm, create_task, scheduled, skilled_employee, task_of, Worker


def employee_page(pages, api, admin, skill):
    user, username, password = skilled_employee(api, admin, skill)
    page = pages()
    page.login(username, password)
    page.wait(lambda: page.find("#availability-state").get_attribute("data-availability") == "AVAILABLE", what="the availability")
    wait_for(lambda: (scheduled(api, admin, user["id"]) or {}).get("online"), 15, what="the employee online")
    return user, page


def working_on_a_task(pages, api, admin):
    """An employee's page with a task (of a skill only they have) accepted and in progress."""
    skill = f"w{uuid.uuid4().hex[:8]}"
    _, staff = employee_page(pages, api, admin, skill)
    task = create_task(api, admin, skills=[skill])
    staff.wait(lambda: task["name"] in staff.text("#offers"), 15, "the offer")
    card(staff, "#offers", task["name"]).find_element(By.CSS_SELECTOR, "[data-testid=accept]").click()
    staff.wait(lambda: task["name"] in staff.text("#in-progress"), what="the task in progress")
    return staff, task


def test_an_employee_sees_an_offer_run_down_and_declines_it_saying_why(api, admin, pages):
    skill = f"w{uuid.uuid4().hex[:8]}"
    user, staff = employee_page(pages, api, admin, skill)
    task = create_task(api, admin, skills=[skill])
    staff.wait(lambda: task["name"] in staff.text("#offers"), 15, "the offer")
    offer = card(staff, "#offers", task["name"])
    clock = offer.find_element(By.CSS_SELECTOR, "[data-testid=offer-countdown]")
    first = clock.text
    assert "left to accept" in first, first
    staff.wait(lambda: clock.text != first, 5, "the countdown to move")
    staff.shot("employee-offer-countdown")
    offer.find_element(By.CSS_SELECTOR, "[data-testid=decline]").click()
    staff.shot("employee-decline-dialog")
    confirm(staff, "I am not trained on this supplier")
    staff.wait(lambda: task["name"] not in staff.text("#offers"), 10, "the declined offer to go")
    staff.wait(lambda: staff.driver.switch_to.active_element.get_attribute("id") == "offers-title", 5,
               "focus on the offers' heading (not dropped on the page)")
    detail = task_of(api, admin, task["id"])
    assert detail["status"] == "PENDING"
    assert detail["audit"][-1]["reason"] == "I am not trained on this supplier"
    assert staff.find("#availability-state").get_attribute("data-availability") == "AVAILABLE"
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


def test_an_admin_takes_work_back_with_a_reason_the_employee_is_shown(stack, api, admin, pages):
    staff, task = working_on_a_task(pages, api, admin)

    chief = pages()
    chief.login(*admin_credentials(stack))
    chief.driver.get(chief.base + f"#/tasks/{task['id']}")
    chief.find("#unassign-task").click()
    dialog = chief.find("dialog.confirm")
    assert "not offered it again for a while" in dialog.text and "progress so far is not kept" in dialog.text, dialog.text
    chief.shot("admin-take-back-dialog")
    confirm(chief, "Needs the German speaker")
    staff.wait(lambda: "Needs the German speaker" in staff.text("#notices"), 10, "the notice with the reason")
    assert task["name"] in staff.text("#notices") and "an admin took it back" in staff.text("#notices")
    staff.wait(lambda: task["name"] not in staff.text("#in-progress"), 10, "the card to leave the work in progress")
    # They are the only one with the skill, yet it does not come straight back to them.
    time.sleep(2)
    assert task["name"] not in staff.text("#offers") and task_of(api, admin, task["id"])["status"] == "PENDING"
    staff.shot("employee-taken-back-notice")
    audit = task_of(api, admin, task["id"])["audit"]
    taken = next(entry for entry in audit if entry["action"] == "requeue (admin_unassign)")
    assert (taken["from"], taken["to"], taken["reason"]) == ("IN_PROGRESS", "PENDING", "Needs the German speaker")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


def test_a_comment_reaches_the_card_and_a_cancel_asks_why_and_tells_the_employee(stack, api, admin, pages):
    staff, task = working_on_a_task(pages, api, admin)
    # Accepting carries focus to the card's comment box, not to the page's body.
    staff.wait(lambda: staff.driver.switch_to.active_element.tag_name == "textarea", 5, "focus on the new card")
    working = card(staff, "#in-progress", task["name"])
    working.find_element(By.CSS_SELECTOR, "textarea").send_keys("Half a thought about the")

    status, _, _ = call(api(f"/api/tasks/{task['id']}/comments"), "POST", {"message": "Use the supplier's portal."}, token=admin)
    assert status == 201
    staff.wait(lambda: "Use the supplier's portal." in card(staff, "#in-progress", task["name"]).find_element(
        By.CSS_SELECTOR, "[data-testid=comments]").text, 10, "the admin's comment on the card")
    staff.shot("employee-comment-arrived")

    chief = pages()
    chief.login(*admin_credentials(stack))
    chief.driver.get(chief.base + f"#/tasks/{task['id']}")
    chief.find("#cancel-task").click()
    dialog = chief.find("dialog.confirm")
    assert task["name"] in dialog.text and "cannot be reopened" in dialog.text
    chief.shot("admin-cancel-dialog")
    # "Keep it" changes nothing.
    dialog.find_element(By.CSS_SELECTOR, "#confirm-no").click()
    time.sleep(0.5)
    assert task_of(api, admin, task["id"])["status"] == "IN_PROGRESS"
    chief.find("#cancel-task").click()
    confirm(chief, "The customer withdrew the order")
    chief.wait(lambda: chief.find("#task-detail").get_attribute("data-status") == "CANCELLED", 10, "the cancelled task")
    chief.wait(lambda: chief.driver.switch_to.active_element.get_attribute("id") == "task-title", 5,
               "focus on the task's title (not dropped on the page)")

    staff.wait(lambda: "The customer withdrew the order" in staff.text("#notices"), 10, "the cancellation notice")
    notice = staff.text("#notices")
    assert task["name"] in notice and "Half a thought about the" in notice, notice
    staff.wait(lambda: task["name"] not in staff.text("#in-progress"), 10, "the card to go")
    staff.shot("employee-cancel-notice")


def test_an_offer_left_to_lapse_says_why_the_employee_is_now_away(api, admin, pages, impatient_scheduler):
    skill = f"w{uuid.uuid4().hex[:8]}"
    user, staff = employee_page(pages, api, admin, skill)
    task = create_task(api, admin, skills=[skill])
    staff.wait(lambda: task["name"] in staff.text("#offers"), 15, "the offer")
    staff.wait(lambda: "unanswered" in staff.text("#notices"), 20, "the notice that the offer lapsed")
    staff.wait(lambda: "unanswered" in staff.text("#availability-state"), 5, "the reason beside the availability")
    assert staff.find("#availability-state").get_attribute("data-availability") == "AWAY"
    staff.shot("employee-away-after-lapse")
    # After a reload the page still says why.
    staff.driver.refresh()
    staff.wait(lambda: "unanswered" in staff.text("#availability-state"), 15, "the reason after a reload")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


def test_the_overdue_figure_leads_to_the_overdue_tasks(stack, api, admin, pages):
    late = (datetime.now(timezone.utc) - timedelta(seconds=20)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    task = create_task(api, admin, skills=[f"none{uuid.uuid4().hex[:6]}"], name=unique_name("late"))
    status, _, overdue = call(api("/api/admin/tasks"), "POST", {"name": unique_name("overdue"), "priority": 2, "dueAt": late,
                                                                "requiredSkills": [f"none{uuid.uuid4().hex[:6]}"]}, token=admin)
    assert status == 201, overdue
    status, _, page_of = call(api("/api/admin/tasks?overdue=true&size=100"), token=admin)
    assert status == 200 and overdue["id"] in [t["id"] for t in page_of["items"]]
    assert task["id"] not in [t["id"] for t in page_of["items"]]
    assert call(api("/api/admin/tasks?overdue=maybe"), token=admin).status == 422
    chief = pages()
    chief.login(*admin_credentials(stack))
    chief.find("#tab-analytics").click()
    chief.wait(lambda: chief.driver.find_elements(By.CSS_SELECTOR, "#overdue-link"), 20, "the overdue figure as a link")
    chief.find("#overdue-link").click()
    chief.wait(lambda: overdue["name"] in chief.text("#task-table"), 10, "the overdue task in the list")
    assert chief.find("#filter-overdue").is_selected()
    assert task["name"] not in chief.text("#task-table")
    chief.shot("admin-overdue-tasks")
    # The queue says why each waits: nobody holds these skills.
    chief.find("#tab-queue").click()
    chief.wait(lambda: overdue["name"] in chief.text("#queue"), 10, "the tasks in the queue")
    row = chief.driver.find_element(By.CSS_SELECTOR, f"#queue tr[data-task='{overdue['id']}'] [data-reason]")
    assert row.get_attribute("data-reason") == "no_skill" and row.text.startswith("Nobody active holds the skill"), row.text
    chief.shot("admin-queue-reasons")
    for done in (task, overdue):
        call(api(f"/api/admin/tasks/{done['id']}/cancel"), "POST", token=admin)


def test_the_team_table_keeps_updating_after_a_save_and_assign_lists_who_can_take_it(stack, api, admin, pages):
    clear_the_floor(api, admin)
    skill = f"w{uuid.uuid4().hex[:8]}"
    chief = pages()
    chief.login(*admin_credentials(stack))
    newcomer = Worker(stack, api, admin, skills=[skill], capacity=1)
    try:
        newcomer.set(api, "AWAY")
        chief.find("#tab-team").click()
        row = f"#employees tr[data-employee='{newcomer.id}']"
        chief.wait(lambda: "AWAY" in chief.text(row), 10, "the newcomer's row")
        capacity = chief.find(f"{row} input[name=capacity]")
        capacity.clear()
        capacity.send_keys("2")
        chief.find(f"{row} button").click()  # focus stays on Save, inside the table
        chief.wait(lambda: "/ 2" in chief.text(row), 10, "the saved capacity")
        # Later changes still show while the focus stays in the table.
        newcomer.set(api, "AVAILABLE")
        chief.wait(lambda: "AVAILABLE" in chief.text(row), 10, "the availability change after the save")
        assert chief.find(f"{row} input[name=capacity]").get_attribute("value") == "2"
        chief.shot("admin-team-after-save")

        task = create_task(api, admin, skills=[f"none{uuid.uuid4().hex[:6]}"])
        chief.driver.get(chief.base + f"#/tasks/{task['id']}")
        # The list fills in once the page has asked the scheduler who can take the task.
        chief.wait(lambda: chief.driver.execute_script("return document.querySelectorAll('#assign-to optgroup').length") > 0,
                   10, "the assign list")
        groups = chief.driver.execute_script("""
            return [...document.querySelectorAll('#assign-to optgroup')].map((g) => [g.label, [...g.children].map((o) => o.textContent)]);""")
        labels = [label for label, _ in groups]
        assert labels == [label for label in ("Can take it now", "Online", "Offline") if label in labels], labels
        assert "Online" in labels
        options = [option for _, group in groups for option in group]
        mine = [o for o in options if newcomer.user["username"] in o]
        assert mine and "available" in mine[0] and "lacks a skill" in mine[0], mine
        chief.shot("admin-assign-list")
        call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
    finally:
        newcomer.close()


def test_charts_are_legible_and_rank_the_top_completers(stack, pages):
    chief = pages()
    chief.login(*admin_credentials(stack))
    chief.find("#tab-analytics").click()
    chief.find("svg.chart")
    sizes = chief.driver.execute_script(
        "return [...document.querySelectorAll('svg.chart text')].map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)")
    assert sizes and min(sizes) >= 11, f"chart labels {min(sizes):.1f} px high"
    widths = chief.driver.execute_script("return [...document.querySelectorAll('svg.chart')].map((c) => c.getBoundingClientRect().width)")
    assert min(widths) >= 480, widths
    ranking = chief.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import('/js/views/admin-analytics.js').then((m) => done(m.topCompleters([
          {username: 'ann', completed: 0, assigned: 0}, {username: 'bob', completed: 3, assigned: 3},
          {username: 'cy', completed: 9, assigned: 9}, ...Array.from({length: 30}, (_, i) => ({username: `z${i}`, completed: 1, assigned: 1}))])));""")
    assert [name for name, _ in ranking[:2]] == ["cy", "bob"] and len(ranking) == 20 and "ann" not in [n for n, _ in ranking]
    chief.shot("admin-analytics-legible")


def test_the_badge_says_offline_when_requests_cannot_get_through(api, admin, pages):
    user, staff = employee_page(pages, api, admin, f"w{uuid.uuid4().hex[:8]}")
    assert staff.find("#connection").get_attribute("data-state") == "live"
    staff.driver.set_network_conditions(offline=True, latency=5, download_throughput=500 * 1024, upload_throughput=500 * 1024)
    try:
        staff.find("#get-next").click()
        staff.wait(lambda: staff.find("#connection").get_attribute("data-state") == "offline", 3, "the badge to say offline")
        assert "offline" in staff.text("#connection")
        staff.shot("employee-offline-badge")
    finally:
        staff.driver.delete_network_conditions()
    staff.wait(lambda: staff.find("#connection").get_attribute("data-state") in ("live", "polling"), 20, "the feed back")


def test_registration_shows_every_problem_at_once(pages):
    page = pages()
    page.find("#register-username").send_keys("a b")
    page.find("#register-email").send_keys("nope")
    page.find("#register-password").send_keys("short")
    page.find("#register-form button[type=submit]").click()
    page.wait(lambda: page.text("#register-password-error") != "", 10, "the field errors")
    for name in ("username", "fullName", "email", "password"):
        assert page.find(f"#register-{name}").get_attribute("aria-invalid") == "true", name
        text = page.text(f"#register-{name}-error")
        assert text and text[0].isupper() and text.endswith("."), text
    assert page.text("#register-fullName-error").startswith("Full name must be")
    assert page.driver.switch_to.active_element.get_attribute("id") == "register-username"
    page.shot("register-all-errors")


def test_asking_for_work_when_nothing_waits_says_so(api, admin, pages):
    user, staff = employee_page(pages, api, admin, f"w{uuid.uuid4().hex[:8]}")
    staff.find("#get-next").click()
    staff.wait(lambda: "Nothing you can take is waiting" in staff.text("#ask-result"), 10, "the answer to Ask for work")
    staff.shot("employee-ask-for-work")


# A browser whose notifications and sound are recorded instead of shown, and whose page can be
# put in the background (`window.__visibility`).
RECORDED_ALERTS = """
window.__notifications = []; window.__beeps = 0;
window.Notification = class { constructor(title, options) { window.__notifications.push({ title, body: options.body }); } close() {} };
// The browser remembers a permission given to a site: so does this one, across reloads.
window.Notification.permission = localStorage.getItem("__granted") ? "granted" : "default";
window.Notification.requestPermission = async () => { localStorage.setItem("__granted", "1"); return (window.Notification.permission = "granted"); };
window.AudioContext = class {
  constructor() { window.__beeps += 1; this.currentTime = 0; this.destination = {}; }
  createOscillator() { return { frequency: {}, connect: (next) => next, start() {}, stop() {} }; }
  createGain() { return { gain: { setValueAtTime() {}, exponentialRampToValueAtTime() {} }, connect: (next) => next }; }
  close() {}
};
Object.defineProperty(document, "visibilityState", { get: () => window.__visibility || "visible" });
"""


def test_an_offer_notifies_the_desktop_and_chimes_when_the_employee_asked_for_it(stack, api, admin, pages):
    skill = f"w{uuid.uuid4().hex[:8]}"
    _, username, password = skilled_employee(api, admin, skill)
    page = pages(width=1280, height=900)
    page.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDED_ALERTS})
    page.driver.refresh()
    page.login(username, password)
    page.find("#notify-offers").click()
    page.wait(lambda: "notified of new offers" in page.text("#alerts-state"), what="the permission granted")
    page.find("#sound-offers").click()
    assert page.driver.execute_script("return window.__beeps") == 1, "switching the sound on plays it once"
    # Looked at, the page needs no notification; in the background it gets one.
    first = create_task(api, admin, skills=[skill])
    page.wait(lambda: first["name"] in page.text("#offers"), 15, "the first offer")
    assert page.driver.execute_script("return window.__notifications") == []
    page.driver.execute_script("window.__visibility = 'hidden'")
    second = create_task(api, admin, skills=[skill])
    page.wait(lambda: page.driver.execute_script("return window.__notifications.length") == 1, 15, what="the notification")
    [note] = page.driver.execute_script("return window.__notifications")
    assert note["title"] == "A new task was offered to you" and note["body"].startswith("Accept it by"), note
    assert page.driver.execute_script("return window.__beeps") == 3, "a chime for each offer"
    # Remembered in this browser.
    page.driver.refresh()
    assert page.find("#sound-offers").is_selected() and page.find("#notify-offers").is_selected()
    page.shot("employee-alert-settings")
    for task in (first, second):
        call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
