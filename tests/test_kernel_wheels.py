"""Upstream's kernel wheels go into a site's lock (``lite/kernel_wheels.py``)."""

from __future__ import annotations

import zipfile

from jupyter_worker.lite.kernel_wheels import (
    KERNEL_WHEELS,
    UPSTREAM_EXTENSION,
    add_kernel_wheels,
    find_kernel_wheels,
)
from jupyter_worker.lite.pyodide_bundle import sha256


def _wheel(folder, name, version, requires=()):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{version}-py3-none-any.whl"
    metadata = f"Name: {name}\nVersion: {version}\n" + "".join(
        f"Requires-Dist: {r}\n" for r in requires
    )
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(f"{name}/__init__.py", "")
        wheel.writestr(f"{name}-{version}.dist-info/METADATA", metadata)
    return path


def _extension(root, names=KERNEL_WHEELS):
    pypi = root / UPSTREAM_EXTENSION / "static" / "pypi"
    requires = {"piplite": ["pyodide-kernel"], "ipykernel": ["comm", "ipython"]}
    return {name: _wheel(pypi, name, "1.0", requires.get(name, ())) for name in names}


def test_found_in_the_first_labextension_folder_that_has_them_all(tmp_path):
    _extension(tmp_path / "partial", names=("piplite",))
    wheels = _extension(tmp_path / "full")
    found = find_kernel_wheels([str(tmp_path / "partial"), str(tmp_path / "full")])
    assert found == {
        "piplite": wheels["piplite"],
        "ipykernel": wheels["ipykernel"],
        "pyodide-kernel": wheels["pyodide_kernel"],
    }
    assert find_kernel_wheels([str(tmp_path / "partial")]) == {}


def test_copied_next_to_the_lock_and_named_in_it_with_their_needs(tmp_path):
    _extension(tmp_path / "ext")
    lock = {"packages": {"comm": {"name": "comm", "depends": []}, "ipython": {"name": "ipython"}}}
    dest = tmp_path / "site"
    dest.mkdir()
    added = add_kernel_wheels(lock, dest, find_kernel_wheels([str(tmp_path / "ext")]))
    assert added == ["ipykernel", "piplite", "pyodide-kernel"]
    packages = lock["packages"]
    for name in added:
        wheel = dest / packages[name]["file_name"]
        assert packages[name]["sha256"] == sha256(wheel)
        assert packages[name]["version"] == "1.0"
    assert packages["ipykernel"]["depends"] == ["comm", "ipython"]
    assert packages["piplite"]["depends"] == ["pyodide-kernel"]
    assert packages["pyodide-kernel"]["imports"] == ["pyodide_kernel"]
