"""Finding tasks and people in the web UI as an admin with many would: a search by the beginnings of
words of the name, a sort by a column and its reverse, and the view kept in the address across a
reload; the team narrowed to the online people with a skill, and searched by username;
at desktop and phone widths, screenshots in .build/test-artifacts/web/."""
import uuid

from selenium.webdriver.common.by import By

from auth_client import call
from helpers import admin_credentials, create_task, employee, held_work, Worker


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
        assert page.text("#task-count") == "of 1 · 2 tasks"

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


def test_the_team_narrows_to_online_people_with_a_skill_and_finds_one_by_username(stack, api, admin, pages):
    tag = uuid.uuid4().hex[:6]
    skill = f"team{tag}"
    at_work = Worker(stack, api, admin, skills=[skill], capacity=2, available=False)
    away_from_desk, _, _ = employee(api)
    status, _, _ = call(api(f"/api/auth/users/{away_from_desk['id']}"), "PATCH", {"skills": [skill]}, token=admin)
    assert status == 200
    try:
        def rows(page):
            return [row.get_attribute("data-employee").lower() for row in page.driver.find_elements(By.CSS_SELECTOR, "#employees tbody tr")]

        for width, label in ((390, "phone"), (1280, "desktop")):
            page = pages(width=width, height=900)
            page.login(*admin_credentials(stack))
            page.driver.get(page.base + f"#/team?skill={skill}")
            page.wait(lambda: sorted(rows(page)) == sorted([at_work.id.lower(), away_from_desk["id"].lower()]), what="both with the skill")
            # Online first by default.
            assert rows(page)[0] == at_work.id.lower()
            page.find("#team-online").click()
            page.wait(lambda: rows(page) == [at_work.id.lower()], what="only the one online")
            assert "1 of" in page.text("#team-count")
            assert "online=1" in page.driver.current_url and f"skill={skill}" in page.driver.current_url, page.driver.current_url
            page.shot(f"admin-team-filtered-{label}")
        # The view is in the address: a reload keeps it; a search by username narrows it.
        page.driver.refresh()
        page.wait(lambda: page.find("#team-online").is_selected() and rows(page) == [at_work.id.lower()], what="the filters after a reload")
        page.find("#team-online").click()
        page.find("#team-search").send_keys(away_from_desk["username"])
        page.wait(lambda: rows(page) == [away_from_desk["id"].lower()], what="the one searched for")
        page.find("#team-search").send_keys("nobody-is-called-this")
        page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, "#no-people"), what="the empty result")
    finally:
        at_work.close()


def test_the_workload_shows_who_holds_what_and_since_when(stack, api, admin, broker, pages):
    worker, offered, working = held_work(api, admin, broker, "held")
    try:
        def holder(page):
            return next((section for section in page.driver.find_elements(By.CSS_SELECTOR, "#workload .holder")
                         if section.get_attribute("data-employee").lower() == worker["id"].lower()), None)

        for width, label in ((390, "phone"), (1280, "desktop")):
            page = pages(width=width, height=900)
            page.login(*admin_credentials(stack))
            page.driver.get(page.base + "#/team")
            page.find("#team-workload").click()
            page.wait(lambda: holder(page), what="the worker's work")
            assert "view=workload" in page.driver.current_url, page.driver.current_url
            section = holder(page)
            assert worker["username"] in section.find_element(By.TAG_NAME, "h3").text
            rows = section.find_elements(By.CSS_SELECTOR, "tbody tr")
            assert [row.get_attribute("data-task").lower() for row in rows] == [offered["id"].lower(), working["id"].lower()]
            # The offer is held but not yet accepted; the accepted one counts its working time.
            assert rows[0].find_element(By.CSS_SELECTOR, ".working-for").text == "not accepted yet"
            page.wait(lambda: holder(page).find_elements(By.CSS_SELECTOR, "tbody tr")[1]
                      .find_element(By.CSS_SELECTOR, ".working-for").text.endswith(" s"), what="the working time")
            page.shot(f"admin-workload-{label}")
        holder(page).find_element(By.LINK_TEXT, working["name"]).click()
        page.wait(lambda: page.driver.current_url.lower().endswith(f"#/tasks/{working['id'].lower()}"), what="the task's page")
    finally:
        for task in (offered, working):
            call(api(f"/api/admin/tasks/{task['id']}/cancel"), "POST", {}, token=admin)
