"""Upstream's kernel wheels go into a site's lock (``lite/kernel_wheels.py``)."""

from __future__ import annotations

import json
import zipfile

from jupyter_worker.constants import KERNEL_WHEELS
from jupyter_worker.lite.kernel_wheels import (
    UPSTREAM_EXTENSION,
    add_kernel_wheels,
    find_kernel_wheels,
    with_bytecode,
)
from jupyter_worker.lite.pyodide_bundle import COMPILED_KERNEL_WHEELS, COMPILED_SOURCES, sha256


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


def _compiled(bundled, wheels, made_from):
    folder = bundled / COMPILED_KERNEL_WHEELS
    folder.mkdir(parents=True)
    for wheel in wheels.values():
        (folder / wheel.name).write_bytes(wheel.read_bytes() + b"compiled")
    sources = {wheel.name: sha256(made_from.get(wheel.name, wheel)) for wheel in wheels.values()}
    (folder / COMPILED_SOURCES).write_text(json.dumps(sources), encoding="utf-8")
    return folder


def test_the_bundles_compiled_copies_stand_in_for_the_wheels_they_were_made_from(tmp_path):
    _extension(tmp_path / "ext")
    found = find_kernel_wheels([str(tmp_path / "ext")])
    other = _wheel(tmp_path / "other", "piplite", "1.0", ["something-else"])
    folder = _compiled(tmp_path / "bundle", found, {other.name: other})
    chosen = with_bytecode(found, tmp_path / "bundle")
    assert chosen["ipykernel"] == folder / found["ipykernel"].name
    assert chosen["pyodide-kernel"] == folder / found["pyodide-kernel"].name
    # made from another piplite wheel of the same name: upstream's own is used
    assert chosen["piplite"] == found["piplite"]


def test_without_compiled_copies_the_wheels_are_upstreams(tmp_path):
    _extension(tmp_path / "ext")
    found = find_kernel_wheels([str(tmp_path / "ext")])
    assert with_bytecode(found, tmp_path / "no-bundle") == found
