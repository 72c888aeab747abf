"""Where a site's packages load from: its lock, shipped packages, air-gapped builds."""

from __future__ import annotations

import json
import os
from pathlib import Path
from unittest import mock

import pytest
from support.origins import BUNDLED_LOCK, CDN_PACKAGE, CDN_WHEEL, build_wheel, make_cdn, sha256

from jupyter_worker.constants import LITE_PYODIDE_DIR, NOT_SHIPPED_FILE, PYODIDE_KERNEL_PLUGIN_ID
from jupyter_worker.lite import site_lock
from jupyter_worker.lite.extra_packages import PackageResolutionError, add_packages
from jupyter_worker.lite.pyodide_bundle import LOCK_FILE
from jupyter_worker.lite.site import build_site


def _lock() -> dict:
    return json.loads(BUNDLED_LOCK.read_text(encoding="utf-8"))


def _offline_pip(wheels: Path) -> mock._patch:  # type: ignore[type-arg]
    """pip resolves from a local folder only (a stand-in for PyPI)."""
    return mock.patch.dict(os.environ, {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)})


def test_point_at_cdn_keeps_shipped_wheels_and_needs_an_absolute_url():
    lock = _lock()
    shipped = {lock["packages"]["six"]["file_name"]}
    pointed = site_lock.point_at_cdn(lock, shipped, "https://cdn.example/p/")
    assert pointed["packages"]["six"]["file_name"] == lock["packages"]["six"]["file_name"]
    numpy = lock["packages"]["numpy"]["file_name"]
    assert pointed["packages"]["numpy"]["file_name"] == f"https://cdn.example/p/{numpy}"
    assert lock["packages"]["numpy"]["file_name"] == numpy  # the input is not changed
    with pytest.raises(ValueError, match="must be absolute"):
        site_lock.point_at_cdn(lock, shipped, "./static/pyodide/")


def test_drop_unshipped_keeps_a_closed_set_and_names_what_went():
    lock = _lock()
    six = lock["packages"]["six"]["file_name"]
    kept, dropped = site_lock.drop_unshipped(lock, {six})
    assert list(kept["packages"]) == ["six"]
    assert dropped["numpy"] == "numpy"
    assert dropped["PIL"] == "Pillow"
    attrs = lock["packages"]["attrs"]["file_name"]  # attrs needs six
    with pytest.raises(ValueError, match="attrs needs six"):
        site_lock.drop_unshipped(lock, {attrs})


def test_off_site_urls_are_found_anywhere_in_a_config():
    config = {"a": ["./local", {"b": "https://cdn.example/x"}], "c": "//host/y", "d": "data:,x"}
    assert site_lock.off_site_urls(config) == ["/a/1/b: https://cdn.example/x", "/c: //host/y"]


def test_pypi_packages_are_shipped_with_their_dependencies(tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    build_wheel(wheels, "jwdep-2.0-py3-none-any.whl", "jwdep", "")
    top = build_wheel(wheels, "jwtop-1.0-py3-none-any.whl", "jwtop", "")
    _add_requirements(top, ["jwdep>=2", "six", "numpy"])
    dest = tmp_path / "site"
    dest.mkdir()
    six = _lock()["packages"]["six"]["file_name"]
    (dest / six).write_bytes(b"shipped at start")
    lock = _lock()
    with _offline_pip(wheels):
        result = add_packages(
            lock, ["jwtop"], dest, packages_dir=None, python_version="3.14", air_gapped=False
        )
    assert result.shipped == ["jwtop", "jwdep", "six"]
    assert lock["packages"]["jwtop"]["depends"] == ["jwdep", "six", "numpy"]
    assert lock["packages"]["jwdep"]["sha256"] == sha256(dest / "jwdep-2.0-py3-none-any.whl")
    # numpy is compiled and no folder of Pyodide wheels was given: it stays on the CDN
    assert [note.split(" ", 1)[0] for note in result.notes] == ["numpy"]
    assert "loads from the Pyodide CDN" in result.notes[0]
    with (
        _offline_pip(wheels),
        pytest.raises(PackageResolutionError, match=r"numpy \(needed by jwtop\)"),
    ):
        add_packages(
            _lock(), ["jwtop"], dest, packages_dir=None, python_version="3.14", air_gapped=True
        )


def test_compiled_packages_come_from_a_folder_of_pyodide_wheels(tmp_path):
    cdn = make_cdn(tmp_path / "cdn")
    lock = json.loads((cdn / LOCK_FILE).read_text(encoding="utf-8"))
    dest = tmp_path / "site"
    dest.mkdir()
    result = add_packages(
        lock, [CDN_PACKAGE], dest, packages_dir=cdn, python_version="3.14", air_gapped=True
    )
    assert result.shipped == [CDN_PACKAGE]
    assert (dest / CDN_WHEEL).read_bytes() == (cdn / CDN_WHEEL).read_bytes()
    with pytest.raises(PackageResolutionError, match=r"JupyterWorkerAddon\.packages_dir"):
        add_packages(
            lock,
            [CDN_PACKAGE],
            tmp_path,
            packages_dir=None,
            python_version="3.14",
            air_gapped=False,
        )
    (cdn / CDN_WHEEL).write_bytes(b"another build")
    with pytest.raises(PackageResolutionError, match="sha256 differs"):
        add_packages(
            lock, [CDN_PACKAGE], tmp_path / "x", packages_dir=cdn, python_version="3.14",
            air_gapped=True,
        )  # fmt: skip


def test_air_gapped_site_names_nothing_off_the_site(tmp_path):
    site = build_site(tmp_path / "site", options=["--worker-air-gapped"])
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    folder = site / LITE_PYODIDE_DIR
    lock = json.loads((folder / LOCK_FILE).read_text(encoding="utf-8"))
    assert site_lock.off_site_urls(config) == []
    assert site_lock.off_site_urls(lock) == []
    assert site_lock.missing_local_files(lock, folder) == []
    assert {entry["file_name"] for entry in lock["packages"].values()} == {
        wheel.name for wheel in folder.glob("*.whl")
    }
    settings = config["jupyter-config-data"]["litePluginSettings"][PYODIDE_KERNEL_PLUGIN_ID]
    assert settings["disablePyPIFallback"] is True
    not_shipped = json.loads((folder / NOT_SHIPPED_FILE).read_text(encoding="utf-8"))
    assert not_shipped["numpy"] == "numpy"
    assert "six" not in not_shipped


def test_air_gapped_build_fails_on_an_off_site_url(tmp_path):
    settings = {PYODIDE_KERNEL_PLUGIN_ID: {"pipliteUrls": ["https://wheels.example/all.json"]}}
    with pytest.raises(RuntimeError, match="names URLs off the site") as caught:
        build_site(tmp_path / "site", options=["--worker-air-gapped"], plugin_settings=settings)
    assert "https://wheels.example/all.json" in str(caught.value)


def test_air_gapped_needs_the_sites_own_pyodide(tmp_path):
    url = "https://example.invalid/pyodide/v314.0.6/full/pyodide.mjs"
    with pytest.raises(RuntimeError, match="air_gapped and packages need the site's own Pyodide"):
        build_site(
            tmp_path / "site",
            options=["--worker-air-gapped", f"--JupyterWorkerAddon.pyodide_url={url}"],
        )


def _add_requirements(wheel: Path, requirements: list[str]) -> None:
    """Give a wheel built by ``build_wheel`` some Requires-Dist lines."""
    import zipfile

    with zipfile.ZipFile(wheel) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    meta = next(name for name in files if name.endswith("METADATA"))
    extra = "".join(f"Requires-Dist: {req}\n" for req in requirements)
    files[meta] = files[meta] + extra.encode() + b'Requires-Dist: pytest; extra == "test"\n'
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
