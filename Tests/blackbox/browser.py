"""A browser window on the edge for the web UI's tests: Debian's chromium, headless, driven by
Selenium through /usr/bin/chromedriver. Screenshots go to .build/test-artifacts/web/."""
import uuid
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

ARTIFACTS = Path(__file__).resolve().parents[2] / ".build" / "test-artifacts" / "web"

# What a proxy that refuses WebSocket upgrades looks like to a page: every socket fails before
# it opens.
NO_WEBSOCKETS = """
window.WebSocket = class extends EventTarget {
  constructor(url) {
    super(); this.url = url; this.readyState = 0;
    setTimeout(() => { this.readyState = 3; this.onerror?.(new Event("error")); this.onclose?.(new CloseEvent("close", { code: 1006 })); }, 50);
  }
  send() { throw new Error("closed"); }
  close() {}
};
"""


class Page:
    """One browser window on the edge."""

    def __init__(self, stack, width=1280, height=900, websockets=True):
        options = webdriver.ChromeOptions()
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        if not websockets:
            self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NO_WEBSOCKETS})
        self.base = stack.edge("/")
        self.driver.get(self.base)

    def find(self, selector, timeout=10):
        return WebDriverWait(self.driver, timeout).until(seen.visibility_of_element_located((By.CSS_SELECTOR, selector)))

    def wait(self, condition, timeout=10, what="the page to change"):
        # Pages re-render what an event touched: an element found a moment ago may be gone.
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=[StaleElementReferenceException, NoSuchElementException]) \
                .until(lambda _: condition())
        except Exception:
            self.shot(f"timeout-{uuid.uuid4().hex[:6]}")
            pytest.fail(f"timed out waiting for {what}")

    def text(self, selector):
        return self.find(selector).text

    def told(self, text):
        """Whether the page gave `text` as a message: the toast showing, or one the notification
        centre keeps (a newer toast takes an older one's place)."""
        return self.driver.execute_script(
            "return ['toasts', 'notification-list'].some((id) => document.getElementById(id)?.textContent.includes(arguments[0]))", text)

    def login(self, username, password):
        self.find("#login-username").send_keys(username)
        self.find("#login-password").send_keys(password)
        self.find("#login-form button[type=submit]").click()
        self.wait(lambda: self.find("#connection").get_attribute("data-state") in ("live", "polling"), 15, "the live feed")

    def shot(self, name):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))

    def script_errors(self):
        """Errors the page's own code logged (network errors of refused requests are the
        server's answers, shown to the user; they are left out)."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE" and entry.get("source") != "network"]

    def close(self):
        self.driver.quit()
