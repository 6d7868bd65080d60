"""Finding tasks in the web UI as an admin with many would: a search by the beginnings of words of
the name, a sort by a column and its reverse, and the view kept in the address across a reload;
at desktop and phone widths, screenshots in .build/test-artifacts/web/."""
import uuid

from selenium.webdriver.common.by import By

from helpers import admin_credentials, create_task


def names_in_table(page):
    return [row.find_element(By.CSS_SELECTOR, "td a").text for row in page.driver.find_elements(By.CSS_SELECTOR, "#task-table tbody tr")]


def test_search_finds_tasks_by_the_beginnings_of_words_of_their_names_and_a_sort_reverses(stack, api, admin, pages):
    tag = uuid.uuid4().hex[:6]
    # A skill nobody has keeps them waiting, in the list, whatever else runs.
    held = [f"nobody{tag}"]
    a = create_task(api, admin, priority=4, skills=held, name=f"Check invoice {tag} A")
    create_task(api, admin, priority=1, skills=held, name=f"Call back {tag} B")
    c = create_task(api, admin, priority=2, skills=held, name=f"CHECK INVOICE {tag} C")

    for width, label in ((1280, "desktop"), (390, "phone")):
        page = pages(width=width, height=900)
        page.login(*admin_credentials(stack))
        search = page.find("#filter-search")
        search.send_keys(f"invo {tag}")
        page.wait(lambda: sorted(names_in_table(page)) == sorted([a["name"], c["name"]]), what="only the two invoices")
        assert "2 tasks" in page.text("#task-count")

        header = page.driver.find_element(By.CSS_SELECTOR, "#task-table th button[data-sort='priority']")
        header.click()
        page.wait(lambda: names_in_table(page) == [c["name"], a["name"]], what="the most urgent first")
        assert page.find("#task-table th[aria-sort='ascending'] button").get_attribute("data-sort") == "priority"
        page.driver.find_element(By.CSS_SELECTOR, "#task-table th button[data-sort='priority']").click()
        page.wait(lambda: names_in_table(page) == [a["name"], c["name"]], what="the order reversed")
        page.shot(f"admin-tasks-search-{label}")

        # The view is in the address: a reload shows the same search in the same order.
        assert "sort=-priority" in page.driver.current_url and f"q=invo+{tag}" in page.driver.current_url, page.driver.current_url
        page.driver.refresh()
        page.wait(lambda: page.find("#filter-search").get_attribute("value") == f"invo {tag}", what="the search after a reload")
        page.wait(lambda: names_in_table(page) == [a["name"], c["name"]], what="the same order after a reload")

        # A search that finds nothing says so; an id finds its task.
        search = page.find("#filter-search")
        search.clear()
        search.send_keys(f"nothing {tag}")
        page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, "#no-tasks"), what="the empty result")
        assert page.text("#no-tasks") == "No task matches these filters."
        search.clear()
        search.send_keys(a["id"])
        page.wait(lambda: names_in_table(page) == [a["name"]], what="the task found by its id")
