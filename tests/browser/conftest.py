"""Browser tests: headless Chromium (Playwright, sync API) against pytest-django's live server.

Run them with ``pytest tests/browser -m browser``. Every test here is marked ``browser``.

- ``browser`` (session): the system Chromium, ``/usr/bin/chromium`` unless ``CHROMIUM_PATH`` says
  otherwise; the tests are skipped when it is missing.
- ``page``: a fresh context per test (zh-CN, 1366x900, ``base_url`` = the live server), so
  ``page.goto("/accounts/login/")`` works. When the test fails a screenshot is saved to
  ``var/browser-failures/<test>.png``.
- :func:`login`: log in through the login page, as a person would.

The live server runs in a thread of this process; with SQLite the in-memory test database is
shared with it, hence ``transactional_db`` (data must be committed to be seen by the server).
Uploaded files go to a temporary directory, not ``var/media``.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls made
# from a thread with a running event loop unless told that is safe. These tests' ORM calls are
# plain synchronous set-up and assertions, so it is.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
FAILURES_DIR = ROOT / "var" / "browser-failures"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

expect.set_options(timeout=10_000)


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so that fixtures can tell whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM_PATH).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM_PATH} (set CHROMIUM_PATH)")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Uploaded files (business licences) go to the test's temporary directory."""
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]


@pytest.fixture
def page(
    browser: Browser, live_server: object, transactional_db: None, request: pytest.FixtureRequest
) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url,  # type: ignore[attr-defined]
        locale="zh-CN",
        viewport={"width": 1366, "height": 900},
    )
    context.set_default_timeout(10_000)
    pg = context.new_page()
    yield pg
    failed = any(
        getattr(getattr(request.node, f"rep_{when}", None), "failed", False)
        for when in ("setup", "call")
    )
    if failed:
        FAILURES_DIR.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        # A failed screenshot must not hide the test's own failure.
        with contextlib.suppress(Exception):
            pg.screenshot(path=str(FAILURES_DIR / f"{name}.png"), full_page=True)
    context.close()


def login(page: Page, live_server: object, username: str, password: str) -> None:
    """Log in through the login page and wait for the 工作台 (home) to show."""
    page.goto(f"{live_server.url}/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name=re.compile("工作台"))).to_be_visible()


def logout(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
