"""The server extension serves the offline Pyodide that ``%%worker`` cells load in JupyterLab."""

import pytest

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
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert len(response.body) > 1000
