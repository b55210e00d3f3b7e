"""Browser plumbing shared by the tests of built HTML: a local server, Debian's
Chromium driven by Playwright, and a log of everything that goes wrong on a page.

Chromium comes from Debian's ``chromium`` package; no browser is downloaded.
Without it the tests skip loudly, and with BPBOOK_REQUIRE_BROWSER=1 (set by
.ci/run) they fail instead.
"""

import contextlib
import functools
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from book_site import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402,F401  (the tests import serve from here)


@contextlib.contextmanager
def chromium():
    """A headless Chromium, or a loud skip (a failure under BPBOOK_REQUIRE_BROWSER=1)."""
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = (
            f"BROWSER TESTS NOT RUN: no Chromium at {CHROMIUM}. "
            "Install Debian's package: apt-get install -y chromium"
        )
        if os.environ.get("BPBOOK_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class PageLog:
    """Everything that went wrong while a page loaded."""

    def __init__(self, page, base):
        self.problems = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.route("**/*", functools.partial(self._route, base))

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request):
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def _route(self, base, route):
        url = route.request.url
        if url.startswith(base) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()
        else:
            self.problems.append(f"non-local request blocked: {url}")
            route.abort()
