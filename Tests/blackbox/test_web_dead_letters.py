"""The admin's Dead letters tab, in a real browser: a message the scheduler could not store shows
with why, its details show the body, a replay once the cause is fixed takes effect once, and a
poison is discarded. Screenshots go beside test_web.py's."""
import uuid

import pika
from selenium.webdriver.common.by import By

from conftest import sql, wait_for
from helpers import admin_credentials, confirm


def test_an_admin_reads_replays_and_discards_dead_letters(stack, api, admin, broker, pages, refused_task):
    task = refused_task
    created = {"taskId": task, "version": 1, "assigneeId": None, "name": "web dead letter", "priority": 5,
               "requiredSkills": ["nobody-has-this"], "dueAt": None, "maxAttempts": 1, "createdBy": str(uuid.uuid4())}
    event = broker.publish("task.created", created, source="tasks")
    broker.handed_out[task] = str(uuid.uuid4())  # cancelled at the end (Broker.take_back)
    poison = str(uuid.uuid4())
    broker.channel.basic_publish(
        exchange="orchestrator.events", routing_key="employee.gone", body=b"{not json from the web test",
        properties=pika.BasicProperties(message_id=poison, type="employee.gone", delivery_mode=2))
    wait_for(lambda: sql(stack, f"SELECT count(*) FROM scheduler.dead_letters WHERE message_id = '{event}'") == "1", 60,
             what="the refused task.created among the scheduler's dead letters")
    wait_for(lambda: sql(stack, f"SELECT count(*) FROM tasks.dead_letters WHERE message_id = '{poison}'") == "1", 30,
             what="the poison among the tasks service's dead letters")

    chief = pages()
    chief.login(*admin_credentials(stack))
    chief.find("#tab-dead-letters").click()
    chief.wait(lambda: "the test refuses task" in chief.text("#dead-letter-table"), 15, "the refused message with its reason")
    assert "employee.gone" in chief.text("#dead-letter-table") and "cannot decode" in chief.text("#dead-letter-table")
    refused = chief.driver.find_element(By.XPATH, "//tr[@data-letter][contains(., 'the test refuses task')]")
    assert "task.created" in refused.text and "scheduler.events" in refused.text
    refused.find_element(By.CSS_SELECTOR, "[data-action=show]").click()
    key = refused.get_attribute("data-letter")
    details = f"#letter-{key.replace('/', '-')}"
    chief.wait(lambda: task in chief.text(details) and "x-orch-queue: scheduler.events" in chief.text(details), what="the letter's body and headers")
    chief.shot("admin-dead-letters")

    # Fixed, then replayed: the scheduler stores the task once, and the letter leaves the list.
    sql(stack, "DROP TRIGGER refuse_for_test ON scheduler.tasks")
    chief.driver.find_element(By.CSS_SELECTOR, f"tr[data-letter='{key}'] [data-action=replay]").click()
    confirm(chief)
    chief.wait(lambda: chief.told("Replayed to scheduler.events."), what="the replay's toast")
    chief.wait(lambda: not chief.driver.find_elements(By.CSS_SELECTOR, f"tr[data-letter='{key}']"), what="the replayed letter gone")
    wait_for(lambda: sql(stack, f"SELECT count(*) FROM scheduler.tasks WHERE id = '{task}'") == "1", 15, what="the replay in effect")
    assert sql(stack, f"SELECT count(*) FROM scheduler.inbox WHERE message_id = '{event}'") == "1"

    # The poison, discarded from every service that kept it.
    def poison_rows():
        return chief.driver.find_elements(By.XPATH, "//tr[@data-letter][contains(., 'employee.gone')]")
    while poison_rows():
        count = len(poison_rows())
        poison_rows()[0].find_element(By.CSS_SELECTOR, "[data-action=discard]").click()
        confirm(chief)
        chief.wait(lambda: len(poison_rows()) < count, what="the discarded letter gone")
    assert chief.told("Discarded.")
    assert sql(stack, f"SELECT count(*) FROM tasks.dead_letters WHERE message_id = '{poison}'") == "0"
    chief.shot("admin-dead-letters-after")
