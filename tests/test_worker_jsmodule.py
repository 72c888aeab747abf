"""``from js import document, window`` reaches the page (``worker/jsmodule.py``)."""

from __future__ import annotations

import importlib.machinery
import sys
import types

import pytest

from jupyter_worker.worker import jsmodule


@pytest.fixture
def worker_js(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    """Pyodide's ``js`` module as a worker has it: importable, not imported yet."""
    original = types.ModuleType("js")
    original.setTimeout = "the worker's"  # type: ignore[attr-defined]

    class Finder:
        def find_spec(self, name, path=None, target=None):
            return importlib.machinery.ModuleSpec("js", Loader()) if name == "js" else None

    class Loader:
        def create_module(self, spec):
            return original

        def exec_module(self, module):
            pass

    monkeypatch.delitem(sys.modules, "js", raising=False)
    monkeypatch.setattr(sys, "meta_path", [Finder(), *sys.meta_path])
    return original


def test_the_js_module_is_replaced_even_when_nothing_imported_it_yet(worker_js):
    jsmodule.install_js_module()
    replaced = sys.modules["js"]
    assert isinstance(replaced, jsmodule.PageJsModule)
    assert replaced.setTimeout == "the worker's"
    jsmodule.install_js_module()  # once
    assert sys.modules["js"] is replaced


def test_outside_pyodide_nothing_happens(monkeypatch):
    monkeypatch.delitem(sys.modules, "js", raising=False)
    jsmodule.install_js_module()
    assert "js" not in sys.modules
