"""The browser every benchmark uses: Debian's Chromium, kept off the network."""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"

#: As root Chromium needs --no-sandbox; the rest keeps it quiet and offline
#: (every host but 127.0.0.1 fails to resolve).
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
    return driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
