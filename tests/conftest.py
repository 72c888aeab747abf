"""Shared fixtures: a built JupyterLite site, served with and without isolation headers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.notebooks import write_lite_notebooks

from jupyter_worker.lite.site import build_site

FIXTURES = Path(__file__).parent / "fixtures"

#: Seconds the test pages wait for a Python callback's result (setting).
CALLBACK_TIMEOUT = 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests under browser/ and run them after all others.

    Playwright's sync API runs an asyncio loop in the main thread while a
    browser is open; async server tests must not come after it.
    """
    browser = [item for item in items if "browser" in item.path.parts]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    items[:] = [item for item in items if item not in browser] + browser


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JupyterLite site built the way a user builds one, with the test notebooks."""
    root = tmp_path_factory.mktemp("lite")
    contents = root / "contents"
    shutil.copytree(FIXTURES / "lite", contents)
    write_lite_notebooks(contents)  # the cells the test modules registered
    # a short wait for Python callbacks, so the deadlock test is quick
    settings = {"jupyter-worker:kernel": {"callbackTimeout": CALLBACK_TIMEOUT}}
    # Without the service-worker fallback, a server without headers gives a page
    # that is not isolated, as these tests mean; browser/test_isolation_fallback.py
    # builds sites with it.
    return build_site(
        root / "site",
        [contents],
        options=["--no-worker-isolation-fallback"],
        plugin_settings=settings,
    )
