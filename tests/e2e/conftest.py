"""Browser-test fixtures: one Chromium per session, fresh browser profiles, the personas live.

Playwright drives Debian's Chromium (``/usr/bin/chromium`` or ``$KAPCARE_CHROMIUM``); it never
downloads a browser. The shared steps (signing in, codes, axe checks, screenshots) are in
``tests/e2e/browser.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

from tests.conftest import World, build_world
from tests.e2e.browser import DESKTOP, PHONE

#: Debian's Chromium; `make test-e2e` passes its CHROMIUM as KAPCARE_CHROMIUM
CHROMIUM = os.environ.get("KAPCARE_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
#: how long a step may take before the test fails (a live server answers in milliseconds)
expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    p = sync_playwright().start()
    yield p
    p.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No browser at {CHROMIUM}: install Debian's chromium (apt-get install chromium)"
            " or set KAPCARE_CHROMIUM to another Chromium."
        )
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server: Any) -> Iterator[Any]:
    """``new_context(phone=True)`` → a fresh, isolated browser profile on the live server."""
    contexts: list[BrowserContext] = []

    def make(*, phone: bool = False) -> BrowserContext:
        options: dict[str, Any] = {
            "base_url": live_server.url,
            "locale": "en-US",
            "timezone_id": "America/Denver",
        }
        if phone:
            options.update(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
        else:
            options.update(viewport=DESKTOP)
        context = browser.new_context(**options)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context: Any) -> Page:
    """A desktop-sized page in a fresh browser profile."""
    return new_context().new_page()


@pytest.fixture
def live_world(transactional_db: Any, live_server: Any) -> World:
    """The same personas as ``world``, committed so that the live server's thread sees them.

    ``transactional_db`` empties every table afterwards, so sign-in failures recorded by
    django-axes (a lockout test locks 127.0.0.1) never reach the next test.
    """
    return build_world()
