"""Debian's headless Chromium for the page tests, driven by playwright (no browser download)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import BrowserContext, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@contextmanager
def fresh_profile(driver: Playwright, profile: Path) -> Iterator[BrowserContext]:
    """A Chromium with a profile of its own: no cookies, as a shared PC after the browser was closed."""
    context = driver.chromium.launch_persistent_context(
        str(profile), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS, locale="de-DE",
        viewport={"width": 1100, "height": 900})
    try:
        yield context
    finally:
        context.close()
