"""The web UI in a real browser: Debian's chromium, headless, driven by Selenium through
/usr/bin/chromedriver, against the edge. Screenshots of every page go to
.build/test-artifacts/web/."""
import json
import re
import time
import uuid
from pathlib import Path
from urllib.parse import unquote

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from auth_client import call
from helpers import admin_credentials, card, clear_the_floor, create_task, employee, scheduled, skilled_employee, task_of, Worker


def test_login_and_registration_show_what_is_wrong(stack, pages):
    page = pages()
    page.shot("login")
    page.find("#login-username").send_keys("nobody-" + uuid.uuid4().hex[:6])
    page.find("#login-password").send_keys("not the password")
    page.find("#login-form button[type=submit]").click()
    page.wait(lambda: "Wrong username or password" in page.text("#login-form .form-error"), what="the login error")
    # Registration: the API's message appears next to the field it names.
    page.find("#register-username").send_keys("web-" + uuid.uuid4().hex[:6])
    page.find("#register-fullName").send_keys("Web Tester")
    page.find("#register-email").send_keys("not-an-email")
    page.find("#register-password").send_keys("long enough password")
    page.find("#register-form button[type=submit]").click()
    page.wait(lambda: page.text("#register-email-error") != "", what="the email error")
    assert page.find("#register-email").get_attribute("aria-invalid") == "true"
    page.shot("registration-errors")


def test_the_create_form_shows_the_apis_validation_next_to_the_fields(stack, pages):
    page = pages()
    page.login(*admin_credentials(stack))
    page.find("#task-description").send_keys("no name given")
    page.find("#create-task button[type=submit]").click()
    page.wait(lambda: page.text("#task-name-error") != "", what="the name error")
    assert page.text("#task-name-error").startswith("Name must be")  # a sentence, not the API's lower case
    page.find("#task-name").send_keys("web form task")
    attempts = page.find("#task-attempts")
    attempts.send_keys("99")
    page.find("#create-task button[type=submit]").click()
    # Said as the field's label says it, not as the API spells the field.
    page.wait(lambda: page.find("#task-attempts-error").text.startswith("Attempts must be 1–20"), what="the attempts error")
    assert page.find("#task-attempts").get_attribute("aria-invalid") == "true"
    assert page.text("#task-name-error") == ""
    page.shot("admin-create-errors")


def test_an_offer_appears_live_and_the_admin_sees_the_completion_and_its_comment(stack, api, admin, pages):
    skill = f"w{uuid.uuid4().hex[:8]}"
    worker, username, password = skilled_employee(api, admin, skill)
    staff = pages()
    staff.login(username, password)
    staff.wait(lambda: staff.find("#availability-state").get_attribute("data-availability") == "AVAILABLE", what="the availability")
    chief = pages()
    chief.login(*admin_credentials(stack))
    chief.shot("admin-tasks")

    # The admin creates the task through the form; the employee's page shows the offer by itself.
    name = f"Call back {uuid.uuid4().hex[:4]}"
    chief.find("#task-name").send_keys(name)
    chief.find("#task-description").send_keys("The customer asked about an invoice")
    chief.find("#task-skills").send_keys(skill)
    chief.find("#create-task button[type=submit]").click()
    staff.wait(lambda: name in staff.text("#offers"), 15, "the offer on the employee's page")
    staff.shot("employee-offer")
    card(staff, "#offers", name).find_element(By.CSS_SELECTOR, "[data-testid=accept]").click()
    staff.wait(lambda: name in staff.text("#in-progress"), what="the task in progress")
    working = card(staff, "#in-progress", name)

    # Progress by keyboard on the slider; the admin's detail view shows it.
    slider = working.find_element(By.CSS_SELECTOR, "input[type=range]")
    for _ in range(8):
        slider.send_keys(Keys.ARROW_RIGHT)
    task_id = working.get_attribute("data-task")
    staff.wait(lambda: task_of(api, admin, task_id)["progress"] == 40, what="the progress to reach the server")
    chief.driver.get(chief.base + f"#/tasks/{task_id}")
    chief.wait(lambda: "40%" in chief.text("#task-detail"), what="the progress on the admin's page")

    # Complete without a comment: refused on the page; with one: done.
    working.find_element(By.CSS_SELECTOR, "[data-testid=complete]").click()
    staff.wait(lambda: "comment is required" in working.find_element(By.CSS_SELECTOR, ".field-error").text, what="the missing comment")
    working.find_element(By.CSS_SELECTOR, "textarea").send_keys("Sent the corrected invoice")
    staff.shot("employee-in-progress")
    working.find_element(By.CSS_SELECTOR, "[data-testid=complete]").click()
    staff.wait(lambda: name in staff.text("#history"), what="the task in the employee's history")
    staff.shot("employee-done")

    chief.wait(lambda: chief.told("Sent the corrected invoice"), what="the completion toast")
    chief.wait(lambda: chief.find("#task-detail").get_attribute("data-status") == "COMPLETED", what="the completion on the admin's page")
    chief.wait(lambda: "Sent the corrected invoice" in chief.text("#comments"), what="the comment on the admin's page")
    chief.shot("admin-task-detail")
    for tab in ("queue", "team", "analytics", "events"):
        chief.find(f"#tab-{tab}").click()
        chief.find("#admin-content > *")
        time.sleep(0.5)
        chief.shot(f"admin-{tab}")
    # What the pages showed is what the server holds.
    done = task_of(api, admin, task_id)
    assert done["status"] == "COMPLETED" and done["assigneeId"].lower() == worker["id"].lower()


def test_without_websockets_the_pages_update_through_the_long_poll(stack, api, admin, pages):
    skill = f"w{uuid.uuid4().hex[:8]}"
    worker, username, password = skilled_employee(api, admin, skill)
    staff = pages(websockets=False)
    staff.login(username, password)
    staff.wait(lambda: staff.find("#connection").get_attribute("data-state") == "polling", 15, "the fallback")
    # Offline to the scheduler without a socket? The long-poll keeps the employee online.
    from conftest import wait_for
    wait_for(lambda: (scheduled(api, admin, worker["id"]) or {}).get("online"), 15, what="the employee online by long-poll")
    task = create_task(api, admin, skills=[skill])
    staff.wait(lambda: task["name"] in staff.text("#offers"), 15, "the offer through the long-poll")
    assert "polling" in staff.text("#connection")
    staff.shot("employee-polling")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)
    staff.wait(lambda: task["name"] not in staff.text("#offers"), 15, "the cancelled offer to go")


def test_a_session_is_renewed_before_it_expires_and_ends_when_renewal_fails(stack, api, admin, pages):
    user, _, body = employee(api)
    page = pages()
    page.login(body["username"], body["password"])
    first = page.driver.execute_script("return JSON.parse(sessionStorage.getItem('orchestrator.session')).token")
    # Pretend the token expires in 61 s: the page renews it a minute early, i.e. now.
    page.driver.execute_script("""
        const s = JSON.parse(sessionStorage.getItem('orchestrator.session'));
        s.expiresAt = new Date(Date.now() + 61000).toISOString();
        sessionStorage.setItem('orchestrator.session', JSON.stringify(s));""")
    page.driver.refresh()
    page.wait(lambda: page.driver.execute_script(
        "return JSON.parse(sessionStorage.getItem('orchestrator.session') || 'null')?.token") not in (None, first), 15, "a renewed token")
    # A deactivated account cannot renew: the deactivation revokes the token, the page's socket is
    # closed (4001), the page tries to renew, is refused, and is back on the login page with a
    # message. (Forcing an early renewal by hand here as well raced the page's own: the old page,
    # unloading, ended the session after the test had set it, and the new one opened logged out.)
    assert call(api(f"/api/auth/users/{user['id']}"), "PATCH", {"active": False}, token=admin).status == 200
    page.wait(lambda: "log in again" in page.text("#view"), 15, "the login page after a failed renewal")
    page.shot("session-ended")


def test_the_employee_page_fits_a_phone(stack, api, admin, pages):
    _, username, password = skilled_employee(api, admin, f"w{uuid.uuid4().hex[:8]}")
    page = pages(width=375, height=800)
    page.login(username, password)
    page.find("#offers")
    assert page.driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    page.shot("employee-phone")
    # The availability toggle, by keyboard.
    page.find("#set-away").send_keys(Keys.ENTER)
    page.wait(lambda: page.find("#set-away").get_attribute("aria-pressed") == "true", what="AWAY")
    assert "away" in page.text("#availability-state")


def test_after_the_notifier_restarts_the_page_resumes_by_cursor_and_misses_nothing(stack, api, admin, pages):
    import os
    import signal
    skill = f"w{uuid.uuid4().hex[:8]}"
    worker, username, password = skilled_employee(api, admin, skill)
    staff = pages()
    staff.login(username, password)
    staff.wait(lambda: staff.find("#connection").get_attribute("data-state") == "live", 15, "the socket")
    os.kill(stack.pid("notifier"), signal.SIGKILL)
    staff.wait(lambda: staff.find("#connection").get_attribute("data-state") != "live", 10, "the page to notice")
    # Work offered while the page has no socket (manual assignment does not need presence).
    task = create_task(api, admin, skills=[f"other{uuid.uuid4().hex[:6]}"])
    assert call(api(f"/api/admin/tasks/{task['id']}/assign/{worker['id']}"), "POST", token=admin).status == 202
    staff.wait(lambda: task["name"] in staff.text("#offers"), 60, "the offer made during the outage")
    assert staff.find("#connection").get_attribute("data-state") == "live"
    # The page reconnected with the cursor it had reached, not from "now".
    # (The token travels as a subprotocol, so the logged URL carries none.)
    sockets = [line for line in (stack.state / "logs" / "nginx-access.log").read_text().splitlines() if "GET /ws?" in line]
    assert "after=" in sockets[-1] and int(sockets[-1].split("after=")[1].split()[0]) > 0
    assert "token=" not in sockets[-1]
    staff.shot("employee-after-reconnect")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


NO_HORIZONTAL_OVERFLOW = "return document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def test_long_names_wrap_and_a_burst_of_toasts_stays_small_dismissible_and_named(stack, api, admin, pages):
    """Long unbroken names (URLs, ticket ids) used to widen every page (a 1,987 px table in a
    1,134 px window), and a burst of completions stacked ~15 toasts nobody could dismiss, over the
    create form's Due field."""


    clear_the_floor(api, admin)
    skill = f"w{uuid.uuid4().hex[:8]}"
    long_name = "https://tickets.example.com/browse/" + "X" * 120 + uuid.uuid4().hex
    page = pages(width=1134, height=800)
    page.login(*admin_credentials(stack))
    worker = Worker(stack, api, admin, skills=[skill], capacity=1)
    try:
        task = create_task(api, admin, skills=[skill], name=long_name)
        [offer] = worker.offers()
        assert call(api(f"/api/employee/tasks/{task['id']}/accept"), "POST", token=worker.token).status == 200
        assert call(api(f"/api/employee/tasks/{task['id']}/complete"), "POST", {"message": "done"}, token=worker.token).status == 200
    finally:
        worker.close()
    # The completion's toast names the task.
    page.wait(lambda: any(long_name in t.text and "Completed" in t.text for t in page.driver.find_elements(By.CSS_SELECTOR, ".toast")),
              15, "a toast naming the completed task")
    page.wait(lambda: long_name in page.text("#task-table"), 10, "the long name in the list")
    assert page.driver.execute_script(NO_HORIZONTAL_OVERFLOW), "the task list is wider than the window"
    page.shot("long-name-list")

    # A burst: fifteen toasts at once (as fifteen completions would raise them).
    page.driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        import("/js/notifications.js").then((n) => { for (let i = 1; i <= 15; i++) n.toast(`Completed “burst ${i}”`, "good"); done(); });
    """)
    # One toast on screen, the newest, saying how many more arrived (the fourteen before it, and
    # the completion's if it still showed); the bell counts them unread.
    shown = page.driver.find_elements(By.CSS_SELECTOR, "#toasts .toast")
    assert len(shown) == 1, f"{len(shown)} toasts on screen"
    more = re.fullmatch(r"\+(\d+) more in notifications", page.text("#toasts .toast-more"))
    assert "burst 15" in shown[0].text and more and int(more[1]) in (14, 15), shown[0].text
    assert int(page.text("#notifications-unread")) >= 15
    # The create form stays usable: scrolled to the middle of the window, as a person would bring
    # it into view, the Due field is what a click on it reaches (fifteen stacked toasts covered
    # the whole right-hand column).
    reached = page.driver.execute_script(
        "const f = document.getElementById('task-due'); f.scrollIntoView({block: 'center'});"
        "const r = f.getBoundingClientRect(); const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        "return hit === f ? true : (hit ? hit.outerHTML.slice(0, 200) : 'nothing')")
    page.shot("toast-burst")
    assert reached is True, f"a click on the Due field reaches {reached}"
    # "+14 more" opens the notification centre: every message of the burst, newest first, and
    # the task's completion before them; opened, nothing is unread. Escape closes it.
    page.find("#toasts .toast-more").click()
    page.wait(lambda: page.find("#notifications").is_displayed(), 5, "the notification centre")
    kept = [item.text for item in page.driver.find_elements(By.CSS_SELECTOR, "#notification-list .notification-text")]
    assert [text for text in kept if "burst" in text] == [f"Completed “burst {i}”" for i in range(15, 0, -1)], kept
    assert any(long_name in text for text in kept), kept
    assert not page.driver.find_elements(By.CSS_SELECTOR, "#toasts .toast")
    assert not page.driver.find_elements(By.CSS_SELECTOR, "#notifications-unread")
    page.shot("notification-centre")
    page.driver.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait(lambda: not page.driver.find_element(By.ID, "notifications").is_displayed(), 5, "the centre to close")
    assert page.driver.switch_to.active_element.get_attribute("id") == "notifications-button"
    # A toast can be dismissed; Clear empties the centre.
    page.driver.execute_script("import('/js/notifications.js').then((n) => n.toast('One more', 'good'))")
    page.find("#toasts .toast .toast-close").click()
    page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "#toasts .toast"), 5, "the toast to go")
    page.find("#notifications-button").click()
    page.find("#notifications-clear").click()
    page.wait(lambda: page.text("#notification-list") == "Nothing yet.", 5, "an empty centre")

    page.driver.get(stack.edge(f"/#/tasks/{task['id']}"))
    page.wait(lambda: long_name in page.driver.find_element(By.TAG_NAME, "main").text, 10, "the task's detail")
    assert page.driver.execute_script(NO_HORIZONTAL_OVERFLOW), "the task's detail is wider than the window"
    page.shot("long-name-detail")


def test_the_forms_limits_are_the_served_documents(api):
    """web/js/limits.js holds what the tasks service's contract allows (docs/api.md); a value
    that drifts from the served document fails here rather than in front of an admin."""
    source = (Path(__file__).resolve().parents[2] / "web" / "js" / "limits.js").read_text()
    limits = {name: json.loads(value) for name, value in re.findall(r"^export const (\w+) = (.+);$", source, re.M)}
    status, _, document = call(api("/openapi/tasks.json"))
    assert status == 200
    schemas = document["components"]["schemas"]
    create = schemas["CreateTask"]["properties"]
    priority = create["priority"]
    assert limits == {
        "TASK_NAME_MAX": create["name"]["maxLength"],
        "TASK_DESCRIPTION_MAX": create["description"]["maxLength"],
        "PRIORITIES": list(range(priority["minimum"], priority["maximum"] + 1)),
        "ATTEMPTS": [create["maxAttempts"]["minimum"], create["maxAttempts"]["maximum"]],
        "MESSAGE_MAX": schemas["Message"]["properties"]["message"]["maxLength"],
        "REASON_MAX": schemas["Reason"]["properties"]["reason"]["maxLength"],
        "STATUSES": schemas["Task"]["properties"]["status"]["enum"],
        "BULK_MAX": schemas["BulkAction"]["properties"]["ids"]["maxItems"],
    }
    assert schemas["Progress"]["properties"]["note"]["maxLength"] == limits["MESSAGE_MAX"]


def luminance(css_colour):
    """WCAG relative luminance of an `rgb(…)`/`rgba(…)` colour as the browser computes it."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", css_colour)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_dark_mode_follows_the_system_setting_and_keeps_text_legible(stack, api, admin, pages):
    page = pages(width=1280, height=900)
    page.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    page.login(*admin_credentials(stack))
    create_task(api, admin, skills=[f"nobody{uuid.uuid4().hex[:6]}"])
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, "#task-table tbody tr"), what="the task list")

    def colours(selector, prop="color"):
        return page.driver.execute_script(
            "const e = document.querySelector(arguments[0]); const s = getComputedStyle(e);"
            " let b = e; while (b && getComputedStyle(b).backgroundColor === 'rgba(0, 0, 0, 0)') b = b.parentElement;"
            " return [s[arguments[1]], getComputedStyle(b || document.body).backgroundColor];", selector, prop)

    assert luminance(colours("body")[1]) < 0.05, "the page is not dark"
    # Body text, muted text, links and buttons: AA (4.5:1) against what they sit on.
    for selector in ("main h1", "#task-count", "#task-table tbody a", "#create-task button[type=submit]", "#tab-queue", "#connection"):
        text, background = colours(selector)
        assert contrast(text, background) >= 4.5, (selector, text, background, contrast(text, background))
    page.shot("admin-tasks-dark")
    page.driver.get(page.base + "#/analytics")
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, "svg.chart"), what="the charts")
    page.shot("admin-analytics-dark")


def test_keyboard_shortcuts_are_listed_on_a_question_mark_and_never_steal_typing(stack, api, admin, pages):
    from selenium.webdriver.common.action_chains import ActionChains

    task = create_task(api, admin, skills=[f"nobody{uuid.uuid4().hex[:6]}"])
    page = pages(width=1280, height=900)
    page.login(*admin_credentials(stack))
    keys = lambda *typed: ActionChains(page.driver).send_keys(*typed).perform()
    # After logging in the focus is on the page (main), not in a field.
    keys("?")
    page.wait(lambda: page.text("#shortcuts-title") == "Keyboard shortcuts", what="the shortcuts overlay")
    listed = page.text("#shortcuts")
    assert "g then q" in listed and "Go to the queue" in listed and "Search the tasks" in listed, listed
    page.shot("admin-shortcuts")
    keys(Keys.ESCAPE)
    page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "#shortcuts"), what="the overlay closed")
    keys("g", "q")
    page.wait(lambda: page.driver.current_url.endswith("#/queue"), what="the queue")
    keys("/")
    page.wait(lambda: page.driver.switch_to.active_element.get_attribute("id") == "filter-search", what="the search focused")
    # Typed into a field, the same keys are text.
    keys("g", "q", "/")
    assert page.driver.find_element(By.ID, "filter-search").get_attribute("value") == "gq/"
    assert "#/tasks" in page.driver.current_url
    page.driver.get(page.base + f"#/tasks/{task['id']}")
    page.wait(lambda: page.driver.switch_to.active_element.get_attribute("id") == "task-title", what="the focus on the task's title")
    keys("e")
    page.wait(lambda: page.text("#edit-title") == f"Edit “{task['name']}”", what="the edit dialog from its key")
    keys(Keys.ESCAPE)
    # The header's ? button opens the same list, for those who do not know the key.
    page.find("#shortcuts-help").click()
    page.wait(lambda: page.text("#shortcuts-title") == "Keyboard shortcuts", what="the overlay from the button")
    call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", token=admin)


def test_a_chart_says_what_a_point_is_on_focus_and_downloads_what_it_shows_as_csv(stack, api, admin, pages):
    create_task(api, admin, skills=[f"nobody{uuid.uuid4().hex[:6]}"])
    page = pages(width=1280, height=900)
    page.login(*admin_credentials(stack))
    page.driver.get(page.base + "#/analytics")
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, "a[data-csv='created-per-minute']"), what="the charts")
    created = page.driver.find_element(By.XPATH, "//a[@data-csv='created-per-minute']/ancestor::section[1]")
    # The latest minute had a creation: its point, reached by keyboard, says when and how many.
    page.wait(lambda: created.find_elements(By.CSS_SELECTOR, "circle"), what="a point in the last minutes")
    point = created.find_elements(By.CSS_SELECTOR, "circle")[-1]
    page.driver.execute_script("arguments[0].focus()", point)
    readout = created.find_element(By.CSS_SELECTOR, "text.readout")
    page.wait(lambda: re.fullmatch(r".+: \d+", readout.text or readout.get_attribute("textContent")), what="the point's readout")
    assert readout.get_attribute("textContent") == point.get_attribute("aria-label")

    link = page.find("a[data-csv='tasks-by-status']")
    link.click()
    href = link.get_attribute("href")
    assert href.startswith("data:text/csv;charset=utf-8,") and link.get_attribute("download") == "tasks-by-status.csv", href[:80]
    text = unquote(href.split(",", 1)[1])
    rows = [line.split(",") for line in text.strip().split("\r\n")]
    assert rows[0] == ["label", "value"], rows
    chart = link.find_element(By.XPATH, "ancestor::section[1]").find_element(By.CSS_SELECTOR, "svg").get_attribute("aria-label")
    # Every bar the chart draws is a row, with the same number.
    assert chart == "Tasks by status: " + ", ".join(f"{label} {value}" for label, value in rows[1:]), (chart, rows)
    page.shot("admin-analytics-readout")

    # The last week: its series are hours (168 of them), the axis names days, the CSV says hour.
    Select(page.find("#analytics-window")).select_by_value("7d")
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, "a[data-csv='created-per-hour']"), what="the charts by the hour")
    weekly = page.driver.find_element(By.XPATH, "//a[@data-csv='created-per-hour']/ancestor::section[1]")
    assert re.search(r": 16[89] hours, highest [1-9]", weekly.find_element(By.CSS_SELECTOR, "svg").get_attribute("aria-label"))
    link = weekly.find_element(By.CSS_SELECTOR, "a[data-csv]")
    link.click()
    rows = [line.split(",") for line in unquote(link.get_attribute("href").split(",", 1)[1]).strip().split("\r\n")]
    # The task created above is in this hour (or the one before, if the hour turned meanwhile).
    assert rows[0] == ["hour", "value"] and len(rows) - 1 in (168, 169), rows[:2] + rows[-2:]
    assert max(int(value) for _, value in rows[-2:]) >= 1, rows[-2:]
    assert "Completed by skill, last week (top 20)" in page.text("#analytics")
    page.shot("admin-analytics-week")

    # A custom range — thirty minutes that ended ten minutes ago — drawn minute by minute; a range
    # that ends before it starts is refused at the form.
    Select(page.find("#analytics-window")).select_by_value("custom")
    def choose(start_minutes_ago, end_minutes_ago):
        page.driver.execute_script("""
            const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
            document.getElementById('analytics-from').value = local(new Date(Date.now() - arguments[0] * 60000));
            document.getElementById('analytics-to').value = local(new Date(Date.now() - arguments[1] * 60000));""",
            start_minutes_ago, end_minutes_ago)
        page.find("#analytics-range button[type=submit]").click()
    choose(40, 10)
    page.wait(lambda: re.search(r": 31 minutes", page.find("a[data-csv='created-per-minute']").find_element(
        By.XPATH, "ancestor::section[1]").find_element(By.CSS_SELECTOR, "svg").get_attribute("aria-label")), what="the custom range's chart")
    assert re.search(r"Completed by skill, .+ – .+ \(top 20\)", page.text("#analytics"))
    page.shot("admin-analytics-custom")
    choose(10, 40)
    page.wait(lambda: "at least a minute long" in page.text("#analytics"), what="the refused range")
