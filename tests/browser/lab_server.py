"""Start a real `jupyter lab` server for browser tests."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: A source that starts with this is a markdown cell (the rest is its text).
MARKDOWN = "markdown:"


def write_notebook(path: Path, sources: list[str], kernel: str = "python3") -> None:
    """Write a notebook of code cells with ``sources`` (or markdown, see ``MARKDOWN``)."""
    cells: list[dict[str, Any]] = []
    for i, source in enumerate(sources):
        if source.startswith(MARKDOWN):
            cell = {"cell_type": "markdown", "source": source.removeprefix(MARKDOWN)}
        else:
            cell = {"cell_type": "code", "execution_count": None, "outputs": [], "source": source}
        cells.append({**cell, "id": f"cell-{i}", "metadata": {}})
    notebook = {
        "cells": cells,
        "metadata": {"kernelspec": {"name": kernel, "display_name": kernel}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")


@contextmanager
def lab_server(root: Path, log_path: Path, *extra_args: str) -> Iterator[str]:
    """Run `jupyter lab` on ``root`` as a user would (plus ``extra_args``); yield its URL."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
        "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}", *extra_args,
    ]  # fmt: skip
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(log_path.parent / "config")}
    with log_path.open("w") as log:
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
                    pytest.fail(log_path.read_text(encoding="utf-8"))
                time.sleep(0.3)
        try:
            yield url
        finally:
            process.terminate()
            process.wait(timeout=30)
