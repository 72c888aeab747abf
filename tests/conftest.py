"""Shared fixtures: a built JupyterLite site, served with and without isolation headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_worker.lite.site import build_site

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def lite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JupyterLite site built the way a user builds one, with the fixture notebooks."""
    return build_site(tmp_path_factory.mktemp("lite") / "site", [FIXTURES / "lite"])
