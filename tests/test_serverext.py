"""The server extension's headers on pages, static files and the API."""

import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]

ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    # same-origin: nobody else may load the server's API answers or files
    "Cross-Origin-Resource-Policy": "same-origin",
}
PATHS = ["lab", "lab/extensions/jupyter-worker/static/style.js", "api/status"]


def _config(**worker):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_worker": True, "jupyterlab": True}},
        "WorkerServerApp": worker,
        # pytest-jupyter hides the environment's jupyter paths; show JupyterLab
        # where pip put our labextension.
        "LabApp": {
            "extra_labextensions_path": [str(Path(sys.prefix) / "share/jupyter/labextensions")]
        },
    }


@pytest.fixture
def jp_server_config(request):
    return _config(**getattr(request, "param", {}))


@pytest.mark.parametrize("path", PATHS)
async def test_headers_on_every_kind_of_response(jp_fetch, path):
    response = await jp_fetch(*path.split("/"))
    assert response.code == 200
    for name, value in ISOLATION.items():
        assert response.headers[name] == value
    assert response.headers["Cross-Origin-Embedder-Policy"] == "credentialless"


@pytest.mark.parametrize("jp_server_config", [{"embedder_policy": "require-corp"}], indirect=True)
async def test_require_corp(jp_fetch):
    response = await jp_fetch("lab")
    assert response.headers["Cross-Origin-Embedder-Policy"] == "require-corp"


@pytest.mark.parametrize("jp_server_config", [{"isolation_headers": False}], indirect=True)
@pytest.mark.parametrize("path", PATHS)
async def test_headers_off(jp_fetch, path):
    response = await jp_fetch(*path.split("/"))
    assert response.code == 200
    for name in [*ISOLATION, "Cross-Origin-Embedder-Policy"]:
        assert name not in response.headers
