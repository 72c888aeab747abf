"""What `jupyter lite build` puts in a site when jupyter-worker is installed."""

import hashlib
import json
import urllib.request
from pathlib import Path

import pytest
from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL
from support.origins import BUNDLED_LOCK
from support.sites import serve

from jupyter_worker.constants import LITE_PYODIDE_DIR, PYODIDE_KERNEL_PLUGIN_ID
from jupyter_worker.lite import isolation
from jupyter_worker.lite.pyodide_bundle import CORE_FILES
from jupyter_worker.lite.site import build_site

START_WHEELS = {
    "micropip", "ipython", "jedi", "parso", "comm", "traitlets", "pygments",
    "prompt-toolkit", "wcwidth", "decorator", "asttokens", "executing",
    "pure-eval", "stack-data", "matplotlib-inline", "six",
}  # fmt: skip
#: Upstream's kernel wheels, copied from its labextension (lite/kernel_wheels.py).
KERNEL_WHEELS = {"piplite", "ipykernel", "pyodide-kernel"}


def _settings(site: Path) -> dict:
    config = json.loads((site / "jupyter-lite.json").read_text(encoding="utf-8"))
    return config["jupyter-config-data"]["litePluginSettings"][PYODIDE_KERNEL_PLUGIN_ID]


def test_core_files_are_in_the_site(lite_site):
    for name in CORE_FILES:
        assert (lite_site / LITE_PYODIDE_DIR / name).stat().st_size > 0


def test_settings_point_at_the_local_pyodide_and_keep_pypi(lite_site):
    settings = _settings(lite_site)
    assert settings["pyodideUrl"] == f"./{LITE_PYODIDE_DIR}/pyodide.mjs"
    # packages the site does not ship come from PyPI, as in upstream's kernel
    assert "disablePyPIFallback" not in settings
    assert "http" not in json.dumps(settings)


def test_lock_names_each_shipped_wheel_with_its_real_sha256(lite_site):
    folder = lite_site / LITE_PYODIDE_DIR
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    by_file = {entry["file_name"]: entry for entry in lock["packages"].values()}
    shipped = sorted(folder.glob("*.whl"))
    names = {by_file[wheel.name]["name"].lower().replace("_", "-") for wheel in shipped}
    assert names == START_WHEELS | KERNEL_WHEELS
    for wheel in shipped:
        assert by_file[wheel.name]["sha256"] == hashlib.sha256(wheel.read_bytes()).hexdigest()


def test_lock_sends_every_other_package_to_the_pyodide_cdn(lite_site):
    folder = lite_site / LITE_PYODIDE_DIR
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    bundled = json.loads(BUNDLED_LOCK.read_text(encoding="utf-8"))
    assert lock["packages"].keys() == bundled["packages"].keys() | KERNEL_WHEELS
    shipped = {wheel.name for wheel in folder.glob("*.whl")}
    for key, entry in lock["packages"].items():
        if entry["file_name"] in shipped:
            continue
        original = bundled["packages"][key]
        assert entry["file_name"] == f"{PYODIDE_CDN_URL}/{original['file_name']}"
        assert entry["sha256"] == original["sha256"]
    assert lock["packages"]["numpy"]["file_name"].startswith(PYODIDE_CDN_URL)


def test_labextension_and_kernel_wheels_are_in_the_site(lite_site):
    static = lite_site / "extensions" / "jupyter-worker" / "static"
    assert list(static.glob("pyodide.worker.*.js"))
    assert list((static / "pypi").glob("pyodide_kernel-*.whl"))


@pytest.mark.parametrize("isolated", [True, False])
def test_served_with_or_without_isolation_headers(lite_site, isolated):
    with serve(lite_site, isolated=isolated) as base:
        url = f"{base}{LITE_PYODIDE_DIR}/pyodide.asm.wasm"
        with urllib.request.urlopen(url) as response:
            headers = response.headers
    assert headers["Content-Type"] == "application/wasm"
    assert (headers["Cross-Origin-Opener-Policy"] == "same-origin") is isolated
    assert (headers["Cross-Origin-Embedder-Policy"] is not None) is isolated


def test_cdn_option_writes_the_url_and_ships_nothing(tmp_path):
    url = "https://example.invalid/pyodide/v314.0.6/full/pyodide.mjs"
    site = build_site(tmp_path / "site", options=[f"--JupyterWorkerAddon.pyodide_url={url}"])
    settings = _settings(site)
    assert settings["pyodideUrl"] == url
    assert "disablePyPIFallback" not in settings
    assert not (site / LITE_PYODIDE_DIR).exists()
    # no start files of its own for the service worker to leave to the browser
    assert isolation.service_worker_prelude(site / isolation.SERVICE_WORKER)["network"] is None


def test_service_worker_leaves_the_start_files_to_the_browser(lite_site):
    # (built without the isolation fallback: the prelude has that part only)
    prelude = isolation.service_worker_prelude(lite_site / isolation.SERVICE_WORKER)
    assert prelude == {"headers": None, "network": f"{LITE_PYODIDE_DIR}/"}
    assert (lite_site / LITE_PYODIDE_DIR / "python_stdlib.zip").exists()
