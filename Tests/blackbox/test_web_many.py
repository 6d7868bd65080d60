"""Acting on many tasks in the web UI as an admin would: select some in the list, retry or cancel
them in one go after a confirmation that says how many, and see what was left as it was; select
every task a search matches beyond the page. Screenshots in .build/test-artifacts/web/."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from helpers import admin_credentials, create_task, failed_tasks, task_of


def select(page, task):
    """Ticks the task's box — again if a live refresh redrew the list between finding and clicking."""
    def selected():
        box = page.find(f"#task-table input.select-task[data-task='{task['id']}']")
        if box.is_selected():
            return True
        box.click()
        return False
    page.wait(selected, what=f"“{task['name']}” selected")


def confirm(page, title):
    page.wait(lambda: page.text("#confirm-title") == title, what=f"the confirmation “{title}”")
    page.find("#confirm-yes").click()


def test_a_bulk_retry_retries_exactly_the_selected_failed_tasks(stack, api, admin, broker, pages):
    tag = uuid.uuid4().hex[:6]
    nobody = [f"nobody{tag}"]
    first, second, untouched = failed_tasks(api, admin, broker, [f"Bulk {tag} {n}" for n in ("one", "two", "three")], skills=nobody)
    waiting = create_task(api, admin, skills=nobody, name=f"Bulk {tag} waiting")

    page = pages(width=1280, height=900)
    page.login(*admin_credentials(stack))
    page.find("#filter-search").send_keys(f"bulk {tag}")
    # The whole count: "4 tasks" is also in the unfiltered "of 61 · 1204 tasks" before the search lands.
    page.wait(lambda: page.text("#task-count") == "of 1 · 4 tasks", what="the four tasks")
    assert not page.driver.find_elements(By.CSS_SELECTOR, "#bulk-bar:not([hidden])"), "a bar with nothing selected"
    for task in (first, second, waiting):
        select(page, task)
    page.wait(lambda: page.text("#selected-count") == "3 tasks selected", what="the count of the selection")
    page.shot("admin-tasks-bulk-selected-desktop")
    # Set priority…, then "Keep it": nothing changes, and the same choice can be made again.
    for _ in range(2):
        Select(page.find("#bulk-priority")).select_by_value("2")
        page.wait(lambda: page.text("#confirm-title") == "Give 3 tasks priority 2?", what="the reprioritise confirmation")
        page.find("#confirm-no").click()
        page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "dialog.confirm"), what="the dialog closed")
    assert task_of(api, admin, waiting["id"])["priority"] == waiting["priority"]
    page.find("#bulk-retry").click()
    confirm(page, "Retry 3 tasks?")
    page.wait(lambda: page.told("Retried 2 of 3 tasks; 1 was left as it was (it is PENDING; only a FAILED task can be retried)."),
              what="what the retry did")
    # What was left as it was stays selected, to look at.
    page.wait(lambda: page.text("#selected-count") == "1 task selected", what="the refused task still selected")
    assert page.find(f"#task-table input.select-task[data-task='{waiting['id']}']").is_selected()
    page.shot("admin-tasks-bulk-retried-desktop")

    for task in (first, second):
        after = task_of(api, admin, task["id"])
        assert after["status"] == "PENDING" and after["attempt"] == 1, after
        assert after["audit"][-1]["action"] == "retry", after["audit"]
    assert task_of(api, admin, untouched["id"])["status"] == "FAILED"
    assert task_of(api, admin, waiting["id"])["version"] == waiting["version"]


def test_every_task_a_search_matches_can_be_selected_and_cancelled_with_a_reason(stack, api, admin, pages):
    tag = uuid.uuid4().hex[:6]
    made = [create_task(api, admin, skills=[f"nobody{tag}"], name=f"Sweep {tag} {n}") for n in range(22)]

    for width, label in ((390, "phone"), (1280, "desktop")):
        page = pages(width=width, height=900)
        page.login(*admin_credentials(stack))
        page.find("#filter-search").send_keys(f"sweep {tag}")
        page.wait(lambda: page.text("#task-count") == "of 2 · 22 tasks", what="the 22 tasks over two pages")
        page.find("#select-page").click()
        page.wait(lambda: page.text("#selected-count") == "20 tasks selected", what="the page selected")
        page.find("#select-matching").click()
        page.wait(lambda: page.text("#selected-count") == "22 tasks selected", what="every match selected")
        page.shot(f"admin-tasks-bulk-all-matching-{label}")
        if label == "phone":
            page.find("#bulk-clear").click()
            page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "#selected-count"), what="the selection cleared")
            continue
        page.find("#bulk-cancel").click()
        page.find("#confirm-reason").send_keys("Sprint dropped")
        confirm(page, "Cancel 22 tasks?")
        page.wait(lambda: page.told("Cancelled 22 tasks."), what="what the cancel did")
        page.wait(lambda: not page.driver.find_elements(By.CSS_SELECTOR, "#selected-count"), what="the selection emptied")

    for task in made:
        after = task_of(api, admin, task["id"])
        assert after["status"] == "CANCELLED" and after["audit"][-1]["reason"] == "Sprint dropped", after
