"""Headless Chromium (Debian's, never a downloaded one) driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    sync_playwright,
)
from support.chromium import CHROMIUM, launch
from support.origins import index_wheels, serve_origin
from support.servers import Lab, jupyter_lab
from support.sites import NO_SPARE, serve

#: Wheels tests/run.sh downloads from PyPI at install time.
WHEELS = Path(__file__).parents[2] / ".cache" / "wheels"

LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob", "about"}


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """The Playwright driver (the PyPI package's own; it downloads nothing).

    Module-scoped: the sync API keeps an asyncio loop running in this thread
    while it is open, which async tests (pytest-jupyter's) cannot share; the
    root conftest runs browser tests last.
    """
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    # the requests service workers make themselves are reported too (PageLog)
    os.environ.setdefault("PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS", "1")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; its absence fails the run (it is never a skip)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (tests/run.sh does)")
    browser = launch(playwright)
    yield browser
    browser.close()


@dataclass
class PageLog:
    """What a page did: requests, uncaught errors, console errors."""

    requests: list[str] = field(default_factory=list)
    #: The requests a service worker made itself (JupyterLite's passes most on).
    service_worker_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def wait_for_error(self, page: Page, error: str) -> None:
        """Wait (up to 10 s) until ``error`` is among the page's uncaught errors."""
        for _ in range(100):
            if error in self.errors:
                return
            page.wait_for_timeout(100)  # (a worker's error may reach the page after its output)
        msg = f"no uncaught {error!r}: {self.errors}"
        raise AssertionError(msg)

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but 127.0.0.1."""
        foreign = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme not in LOCAL_SCHEMES and parts.hostname not in LOCAL_HOSTS:
                foreign.append(url)
        return foreign


@pytest.fixture
def page_log() -> PageLog:
    """The log the ``page`` fixture fills."""
    return PageLog()


@pytest.fixture
def context_options() -> dict[str, Any]:
    """Options of the ``page`` fixture's browser context (tests may parametrize them)."""
    return {}


@pytest.fixture
def page(browser: Browser, page_log: PageLog, context_options: dict[str, Any]) -> Iterator[Page]:
    """A fresh page in a fresh context; fails the test on foreign requests or page errors."""
    context = browser.new_context(**context_options)

    def on_request(request: Request) -> None:
        page_log.requests.append(request.url)
        if request.service_worker is not None:
            page_log.service_worker_requests.append(request.url)

    context.on("request", on_request)
    page = context.new_page()
    page.on("pageerror", lambda error: page_log.errors.append(f"{error.name}: {error.message}"))

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            page_log.console_errors.append(f"{message.text} @ {message.location.get('url')}")

    page.on("console", on_console)
    page.on("worker", lambda worker: page_log.requests.append(worker.url))
    yield page
    # errors while the test ran; closing aborts the page's loads in flight (a
    # kernel that a reopened notebook starts), which Chromium reports as
    # "Failed to fetch" page errors of its own
    errors = list(page_log.errors)
    context.close()
    assert page_log.foreign_requests() == []
    assert errors == []


@pytest.fixture
def isolated_url(lite_site: Path) -> Iterator[str]:
    """The shared test site, served with the isolation headers."""
    with serve(lite_site, isolated=True) as base:
        yield base


@pytest.fixture
def plain_url(lite_site: Path) -> Iterator[str]:
    """The shared test site, served without them."""
    with serve(lite_site, isolated=False) as base:
        yield base


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One `jupyter lab` as a user runs it, shared by the tests that need no options of their own.

    ``--packages`` falls back to PyPI as ``%pip`` does: here a local index with
    ipywidgets (their wheels come from PyPI at install time, tests/run.sh). No
    warm spare worker: the tests count the page's workers.
    """
    root = tmp_path_factory.mktemp("lab")
    wanted = ("ipywidgets-", "jupyterlab_widgets-")
    wheels = sorted(wheel for wheel in WHEELS.glob("*.whl") if wheel.name.startswith(wanted))
    if len(wheels) != len(wanted):
        pytest.fail(f"no ipywidgets wheels in {WHEELS}: tests/run.sh downloads them")
    index = tmp_path_factory.mktemp("index")
    index_wheels(index, wheels)
    index_url = "--WorkerServerApp.pypi_index_urls={}simple"
    with (
        serve_origin(index) as pypi,
        jupyter_lab(
            root, root.parent / "lab.log", index_url.format(pypi.url), user_settings=NO_SPARE
        ) as url,
    ):
        yield Lab(url, root)
