"""The pinned Pyodide version is the same everywhere it is declared or shipped."""

import json
from pathlib import Path

from jupyterlite_pyodide_kernel import constants as upstream

from jupyter_worker import __version__
from jupyter_worker.constants import PYODIDE_VERSION
from jupyter_worker.lite.addon import BUNDLED_PYODIDE

LABEXTENSION = Path(__file__).parent.parent / "labextension"


def test_pin_matches_the_upstream_kernel():
    assert PYODIDE_VERSION == upstream.PYODIDE_VERSION


def test_pin_matches_package_json():
    package = json.loads((LABEXTENSION / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["pyodide"] == PYODIDE_VERSION


def test_package_versions_agree():
    package = json.loads((LABEXTENSION / "package.json").read_text(encoding="utf-8"))
    assert package["version"] == __version__


def test_shipped_core_is_the_pinned_version():
    text = (BUNDLED_PYODIDE / "pyodide.mjs").read_text(encoding="utf-8")
    assert f'"{PYODIDE_VERSION}"' in text or f"'{PYODIDE_VERSION}'" in text
