"""Screenshot pages as a logged-in person: `python scripts/shot.py USER URL_PATH OUT.png [...]`.

Uses Debian's chromium through Playwright against a running server (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

BASE = os.environ.get("KEJIN_URL", "http://127.0.0.1:8000")
PASSWORD = os.environ.get("KEJIN_PASSWORD", "Kejin#2026demo")


def main() -> None:
    user, pairs = sys.argv[1], sys.argv[2:]
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        if user != "-":
            page.goto(f"{BASE}/accounts/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
        for path, out in zip(pairs[::2], pairs[1::2], strict=True):
            page.goto(f"{BASE}{path}")
            page.wait_for_timeout(400)
            page.screenshot(path=out, full_page=True)
            print(out)
        browser.close()


if __name__ == "__main__":
    main()
