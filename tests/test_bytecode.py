"""Bytecode for what a kernel start imports (``lite/bytecode_in_pyodide.py``).

The functions run here with the host's Python (the build runs them in
Pyodide); the shipped bundle's files are checked as the build left them.
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

from jupyter_worker.constants import KERNEL_WHEELS
from jupyter_worker.lite import bytecode_in_pyodide as bytecode
from jupyter_worker.lite.pyodide_bundle import (
    COMPILED_KERNEL_WHEELS,
    COMPILED_SOURCES,
    LOCK_FILE,
    sha256,
)

BUNDLE = Path(bytecode.__file__).parents[1] / "pyodide_dist"


def _flags(pyc: bytes) -> int:
    return int.from_bytes(pyc[4:8], "little")


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as out:
        for name, text in files.items():
            out.writestr(name, text)
    return path


def test_a_wheel_gets_checked_bytecode_for_the_wanted_modules_only(tmp_path):
    wheel = _zip(
        tmp_path / "pkg-1.0-py3-none-any.whl",
        {
            "pkg/__init__.py": "X = 1\n",
            "pkg/unused.py": "Y = 2\n",
            "pkg/broken.py": "def (:\n",
            "pkg-1.0.dist-info/RECORD": "pkg/__init__.py,sha256=abc,6\n",
        },
    )
    assert bytecode.add_to_wheel(wheel, {"pkg/__init__.py", "pkg/broken.py"}) == 1
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(wheel) as done:
        names = done.namelist()
        pyc = done.read(f"pkg/__pycache__/__init__.{tag}.pyc")
        record = done.read("pkg-1.0.dist-info/RECORD").decode()
        assert done.read("pkg/__init__.py") == b"X = 1\n"
    assert _flags(pyc) == 3  # hash-based, checked against the source
    assert not any("unused" in name and name.endswith(".pyc") for name in names)
    assert not any("broken" in name and name.endswith(".pyc") for name in names)
    assert record.splitlines() == [
        "pkg/__init__.py,sha256=abc,6",
        f"pkg/__pycache__/__init__.{tag}.pyc,,",
    ]


def test_the_standard_library_gets_unchecked_bytecode_beside_its_sources(tmp_path):
    files = {"json/__init__.py": "A = 1\n", "b.py": "B = 2\n"}
    stdlib = _zip(tmp_path / "python_stdlib.zip", files)
    assert bytecode.add_to_stdlib(stdlib, {"json/__init__.py"}) == 1
    with zipfile.ZipFile(stdlib) as done:
        assert sorted(done.namelist()) == ["b.py", "json/__init__.py", "json/__init__.pyc"]
        assert _flags(done.read("json/__init__.pyc")) == 1  # hash-based, not checked


def test_the_shipped_bundle_has_bytecode_for_the_start():
    with zipfile.ZipFile(BUNDLE / "python_stdlib.zip") as stdlib:
        names = set(stdlib.namelist())
        assert "json/__init__.pyc" in names
        assert all(name[:-1] in names for name in names if name.endswith(".pyc"))
        magics = {stdlib.read(name)[:4] for name in names if name.endswith(".pyc")}
    with zipfile.ZipFile(next(BUNDLE.glob("ipython-*.whl"))) as ipython:
        cached = [name for name in ipython.namelist() if name.endswith(".pyc")]
        assert "IPython/__pycache__/__init__.cpython-314.pyc" in cached
        magics |= {ipython.read(name)[:4] for name in cached}
    assert len(magics) == 1  # one Python compiled them all


def test_the_shipped_lock_names_the_rewritten_wheels():
    lock = json.loads((BUNDLE / LOCK_FILE).read_text(encoding="utf-8"))
    for wheel in BUNDLE.glob("*.whl"):
        entries = [e for e in lock["packages"].values() if e["file_name"] == wheel.name]
        assert [e["sha256"] for e in entries] == [sha256(wheel)]


def test_a_module_with_bytecode_in_the_wheel_already_gets_no_second_copy(tmp_path):
    wheel = _zip(
        tmp_path / "pkg-1.0-py3-none-any.whl",
        {"pkg/__init__.py": "X = 1\n", "pkg-1.0.dist-info/RECORD": ""},
    )
    assert bytecode.add_to_wheel(wheel, {"pkg/__init__.py"}) == 1
    assert bytecode.add_to_wheel(wheel, {"pkg/__init__.py"}) == 0
    with zipfile.ZipFile(wheel) as done:
        names = done.namelist()
        record = done.read("pkg-1.0.dist-info/RECORD").decode()
    assert len(names) == len(set(names)) == 3
    assert len(record.splitlines()) == 1


def test_the_shipped_bundle_has_upstreams_kernel_wheels_with_bytecode():
    folder = BUNDLE / COMPILED_KERNEL_WHEELS
    sources = json.loads((folder / COMPILED_SOURCES).read_text(encoding="utf-8"))
    assert sorted(name.split("-")[0] for name in sources) == sorted(KERNEL_WHEELS)
    npm = BUNDLE.parents[1] / "labextension" / "node_modules" / "@jupyterlite" / "pyodide-kernel"
    for name, made_from in sources.items():
        if (npm / "pypi" / name).is_file():  # (the build's npm package, when still there)
            assert sha256(npm / "pypi" / name) == made_from
    with zipfile.ZipFile(next(folder.glob("pyodide_kernel-*.whl"))) as kernel:
        pyc = kernel.read("pyodide_kernel/__pycache__/__init__.cpython-314.pyc")
    assert _flags(pyc) == 3
    # they are not in the bundle's lock: a site names the ones it ships
    lock = json.loads((BUNDLE / LOCK_FILE).read_text(encoding="utf-8"))
    assert "pyodide-kernel" not in lock["packages"]
