"""Deferred start-up imports (``worker/deferred_imports.py``), on a package made for the test."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from jupyter_worker.worker import deferred_imports


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    root = tmp_path / "jw_deferred_pkg"
    root.mkdir()
    (root / "__init__.py").write_text("from .front import embed\n", encoding="utf-8")
    (root / "front.py").write_text(
        textwrap.dedent(
            """
            import builtins
            builtins.jw_front_runs = getattr(builtins, "jw_front_runs", 0) + 1

            def embed(value):
                return ("embedded", value)

            class Shell:
                pass
            """
        ),
        encoding="utf-8",
    )
    sub = root / "sub"
    sub.mkdir()
    (sub / "__init__.py").write_text(
        "import builtins\n"
        "builtins.jw_sub_runs = getattr(builtins, 'jw_sub_runs', 0) + 1\n"
        "from .inner import VALUE\n",
        encoding="utf-8",
    )
    (sub / "inner.py").write_text("VALUE = 42\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.delattr("builtins.jw_front_runs", raising=False)
    monkeypatch.delattr("builtins.jw_sub_runs", raising=False)
    yield "jw_deferred_pkg"
    for name in [name for name in sys.modules if name.startswith("jw_deferred_pkg")]:
        del sys.modules[name]


def runs() -> int:
    import builtins

    return getattr(builtins, "jw_front_runs", 0)


def test_a_deferred_module_runs_when_a_name_taken_from_it_is_called(package):
    deferred_imports.install({f"{package}.front": ("embed",)})
    imported = __import__(package)
    assert runs() == 0
    assert imported.embed(3) == ("embedded", 3)
    assert runs() == 1
    assert sys.modules[f"{package}.front"].embed(4) == ("embedded", 4)
    assert imported.embed(5) == ("embedded", 5)
    assert runs() == 1


def test_any_other_name_loads_the_real_module(package):
    deferred_imports.install({f"{package}.front": ("embed",)})
    __import__(package)
    front = sys.modules[f"{package}.front"]
    assert runs() == 0
    assert front.Shell.__name__ == "Shell"
    assert runs() == 1
    assert front.__spec__.origin == front.__file__
    assert front.__file__.endswith("front.py")
    with pytest.raises(AttributeError):
        front.missing  # noqa: B018 - the read is the test


def test_a_deferred_package_runs_with_its_submodules_when_first_used(package):
    deferred_imports.install({f"{package}.sub": ()})
    sub = importlib.import_module(f"{package}.sub")
    import builtins

    assert getattr(builtins, "jw_sub_runs", 0) == 0
    assert sub.VALUE == 42
    assert builtins.jw_sub_runs == 1
    assert sys.modules[f"{package}.sub.inner"].VALUE == 42
    assert sub.__path__ == [str(Path(sub.__file__).parent)]


def test_once_settled_a_name_imported_from_a_waiting_module_is_the_real_one(package):
    deferred_imports.install({f"{package}.front": ("embed",), f"{package}.sub": ()})
    imported = __import__(package)
    stand_in = imported.embed
    deferred_imports.settle()
    assert runs() == 0
    from jw_deferred_pkg.front import embed  # (the fixture's package)

    assert runs() == 1
    assert embed is not stand_in
    assert embed.__module__ == f"{package}.front"
    assert stand_in(6) == ("embedded", 6)  # the importer at start keeps its stand-in
    assert runs() == 1
    # a deferred module first imported now is imported as usual
    import builtins

    importlib.import_module(f"{package}.sub")
    assert builtins.jw_sub_runs == 1


def test_other_modules_are_imported_as_usual(package):
    deferred_imports.install({"somewhere.else": ("embed",)})
    __import__(package)
    assert runs() == 1


def test_ipython_starts_without_its_terminal_front_end():
    code = textwrap.dedent(
        """
        import sys
        from jupyter_worker.worker.deferred_imports import install
        install()
        import IPython
        print("IPython.terminal.interactiveshell" in sys.modules, IPython.embed.__name__)
        from IPython.terminal.embed import InteractiveShellEmbed
        print("IPython.terminal.interactiveshell" in sys.modules, InteractiveShellEmbed.__name__)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["False", "embed", "True", "InteractiveShellEmbed"]


def test_values_are_set_when_the_module_is_first_imported(package):
    name = f"{package}.front"
    deferred_imports.set_on_import(name, {"SETTING": 1})
    deferred_imports.set_on_import(name, {"SETTING": 2, "URLS": ["a"]})  # the later call wins
    assert name not in sys.modules
    front = importlib.import_module(name)
    assert runs() == 1
    assert (front.SETTING, front.URLS) == (2, ["a"])
    # the module is the real loader's again: its source is found as usual
    assert front.__loader__ is front.__spec__.loader
    assert "def embed" in inspect.getsource(front)
    deferred_imports.set_on_import(name, {"SETTING": 3})  # imported: set at once
    assert front.SETTING == 3
    assert runs() == 1


def test_values_reach_a_module_imported_already(package):
    front = importlib.import_module(f"{package}.front")
    deferred_imports.set_on_import(f"{package}.front", {"SETTING": 4})
    assert front.SETTING == 4
