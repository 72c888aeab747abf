"""A real `jupyter lab` server with jupyter-worker installed."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from notebook import KERNEL_START_TIMEOUT, open_notebook, run_cell

PLUGIN = "jupyter-worker:kernel"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start `jupyter lab` as a user would (server extension enabled by the install)."""
    root = tmp_path_factory.mktemp("lab")
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "id": "print-42",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": "print(6 * 7)",
            }
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (root / "server.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    port = _free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
        "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}",
    ]  # fmt: skip
    log = (root.parent / "lab.log").open("w")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root.parent / "config")}
    process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}api/status", timeout=2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(Path(log.name).read_text(encoding="utf-8"))
            time.sleep(0.3)
    yield url
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_lab_page_is_isolated_with_the_extension_active(page, page_log, lab_url):
    open_notebook(page, f"{lab_url}lab/tree/server.ipynb")
    assert page.evaluate("crossOriginIsolated") is True
    page.wait_for_function("window.jupyterapp !== undefined")
    assert page.evaluate(f"jupyterapp.hasPlugin({PLUGIN!r})") is True
    page.wait_for_function(f"jupyterapp.isPluginActivated({PLUGIN!r})", timeout=30_000)

    # the server kernel still works on an isolated page
    output = run_cell(page, 0, timeout=KERNEL_START_TIMEOUT)
    assert output.inner_text().strip() == "42"
    assert [e for e in page_log.console_errors if "jupyter-worker" in e] == []
