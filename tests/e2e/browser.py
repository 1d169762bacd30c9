"""Steps the browser tests share: signing in, authenticator codes, axe checks, screenshots."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.conftest import World

PASSWORD = "kapcare-test-pass"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: a staff workstation (tablet-sized pages are covered by the layout's breakpoints)
DESKTOP = {"width": 1280, "height": 800}
#: an ordinary phone (iPhone 12–15 size)
PHONE = {"width": 390, "height": 844}

_axe = Axe()


def check_accessibility(page: Page) -> None:
    """Fail if axe-core finds a serious or critical accessibility problem on the current page."""
    results = _axe.run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    if bad:
        lines = [f"{len(bad)} serious/critical accessibility problem(s) on {page.url}:"]
        for v in bad:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v.get('helpUrl', '')}")
            for node in v["nodes"][:5]:
                target = ", ".join(map(str, node["target"]))
                lines.append(f"    at {target}: {node.get('failureSummary', '')}")
        message = "\n".join(lines)
        print(message)
        pytest.fail(message)


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot under docs/screenshots/ with a stable name."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / name), full_page=True, animations="disabled", caret="hide"
    )


def submit_login(page: Page, email: str, password: str = PASSWORD) -> None:
    """Fill in the sign-in form on the current page and press "Sign in"."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def totp_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get(user=user, confirmed=True)


def enrol_totp(user: Any) -> Any:
    """Give ``user`` a confirmed authenticator, as if they had enrolled on an earlier day."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def authenticator_code(device: Any) -> str:
    """The code a phone app shows now for ``device``, never one the server already accepted.

    A code is single-use (django-otp remembers the last time step it accepted), so when this
    30-second window's code is spent, take the next window's code: the server allows one step of
    clock difference between phone and server (``tolerance``). If even that is out of reach,
    wait for the window to turn, as a person would.
    """
    from django_otp.oath import TOTP

    device.refresh_from_db()
    while True:
        now = time.time()
        real_t = int(now - device.t0) // device.step
        for ahead in range(device.tolerance + 1):
            t = real_t + ahead
            if t > device.last_t and abs(t - (real_t + device.drift)) <= device.tolerance:
                totp = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
                totp.time = now + ahead * device.step
                return f"{totp.token():0{device.digits}d}"
        time.sleep(device.step - (now - device.t0) % device.step + 0.05)


def enter_code(page: Page, code: str, button: str) -> None:
    page.get_by_role("textbox", name=re.compile(r"code", re.I)).fill(code)
    page.get_by_role("button", name=button).click()


def sign_in_staff(page: Page, world: World, persona: str, next_path: str = "/") -> None:
    """Sign a staff persona in through the real forms, second factor included."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = world.users[persona]
    try:
        device = totp_device(user)
    except TOTPDevice.DoesNotExist:  # enrol one, as if it had been done on an earlier day
        device = enrol_totp(user)
    page.goto(next_path)
    expect(page.get_by_role("heading", name="Sign in to kapcare")).to_be_visible()
    submit_login(page, user.email)
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_be_visible()
    enter_code(page, authenticator_code(device), "Verify")
    expect(page.get_by_role("heading", name="Enter your sign-in code")).to_have_count(0)


def main_nav(page: Page) -> Any:
    return page.get_by_role("navigation", name="Main")
