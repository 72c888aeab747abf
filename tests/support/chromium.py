"""The browser of every test and benchmark: Debian's Chromium, kept off the network."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Playwright

#: Debian's chromium package (never a browser Playwright downloads).
CHROMIUM = Path(os.environ.get("JUPYTER_WORKER_CHROMIUM", "/usr/bin/chromium"))

#: As root Chromium needs --no-sandbox; the rest keeps it quiet and offline:
#: every host but 127.0.0.1 fails to resolve, so a request that would leave the
#: machine fails visibly even where Playwright's request events do not show it
#: (some worker requests).
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]


def launch(driver: Playwright) -> Browser:
    """Start headless Chromium (never a downloaded browser)."""
    return driver.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
