"""The server extension serves the offline Pyodide that ``%%worker`` cells load in JupyterLab."""

import hashlib
import json

import pytest
from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL

from jupyter_worker.constants import LAB_PYODIDE_PATH

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def jp_server_config():
    return {"ServerApp": {"jpserver_extensions": {"jupyter_worker": True}}}


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("pyodide.mjs", "text/javascript"),
        ("pyodide.asm.wasm", "application/wasm"),
        ("pyodide-lock.json", "application/json"),
    ],
)
async def test_pyodide_is_served_isolated(jp_fetch, name, content_type):
    response = await jp_fetch(*LAB_PYODIDE_PATH.strip("/").split("/"), name)
    assert response.code == 200
    assert response.headers["Content-Type"].startswith(content_type)
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert len(response.body) > 1000


async def test_the_served_lock_sends_unshipped_packages_to_the_cdn(jp_fetch):
    response = await jp_fetch(*LAB_PYODIDE_PATH.strip("/").split("/"), "pyodide-lock.json")
    lock = json.loads(response.body)
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    numpy = lock["packages"]["numpy"]["file_name"]
    assert numpy.startswith(f"{PYODIDE_CDN_URL}/numpy-")
    # the start-up wheels load from the server itself
    assert lock["packages"]["ipython"]["file_name"].startswith("ipython-")


async def test_the_served_lock_names_the_kernel_wheels_it_serves(jp_fetch):
    # a worker loads them with Pyodide, not one after the other with piplite
    path = LAB_PYODIDE_PATH.strip("/").split("/")
    lock = json.loads((await jp_fetch(*path, "pyodide-lock.json")).body)
    for name in ("piplite", "ipykernel", "pyodide-kernel"):
        entry = lock["packages"][name]
        assert entry["file_name"].startswith("kernel_wheels/"), entry
        wheel = await jp_fetch(*path, *entry["file_name"].split("/"))
        assert hashlib.sha256(wheel.body).hexdigest() == entry["sha256"]
    assert "pyodide-kernel" in lock["packages"]["ipykernel"]["depends"]
