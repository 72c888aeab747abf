"""Servers: JupyterLab, ``python -m http.server`` (no headers), second-origin images."""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from support.notebooks import SERVER_KERNEL, write_notebook


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_url(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until ``url`` answers; fail with the server's log if it dies or never does."""
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise RuntimeError(log.read_text(encoding="utf-8")) from None
            time.sleep(0.2)


def stop(process: subprocess.Popen[bytes]) -> None:
    """End a server process and reap it (a live Popen left behind is a ResourceWarning)."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def plain_http_server(root: Path, log: Path) -> Iterator[str]:
    """``python -m http.server`` for ``root``: no isolation headers; yield its URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with log.open("w") as out:
        process = subprocess.Popen(cmd, cwd=root, stdout=out, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for_url(url, process, log)
            yield url
        finally:
            stop(process)


def png_pixel() -> bytes:
    """A valid 1x1 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


class ImageHandler(BaseHTTPRequestHandler):
    """Answer every GET with a PNG and no Cross-Origin-Resource-Policy; log the path."""

    requests: ClassVar[list[str]] = []
    image = png_pixel()

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.image)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(self.image)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def image_server() -> Iterator[tuple[str, list[str]]]:
    """Serve PNGs on another port of 127.0.0.1 (another origin); yield its URL and request log."""
    handler = type("Handler", (ImageHandler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", handler.requests
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def jupyter_lab(
    root: Path,
    log: Path,
    *options: str,
    user_settings: Mapping[str, Mapping[str, object]] | None = None,
) -> Iterator[str]:
    """Run `jupyter lab` on ``root`` as a user would (plus ``options``); yield its URL.

    The page exposes ``window.jupyterapp`` for the tests; ``user_settings``
    (by plugin id) are the user's, as the Settings Editor saves them.
    """
    port = free_port()
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
        "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}", *options,
    ]  # fmt: skip
    config = log.parent / f"{log.stem}-config"
    for plugin, values in (user_settings or {}).items():
        extension, name = plugin.split(":")
        path = config / "lab" / "user-settings" / extension / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config)}
    with log.open("w") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_for_url(f"{url}api/status", process, log)
            yield url
        finally:
            stop(process)


@dataclass
class Lab:
    """A running `jupyter lab` whose contents folder the tests write notebooks into."""

    url: str
    root: Path

    def notebook(self, name: str, cells: list[str]) -> str:
        """Write ``<name>.ipynb`` (ipykernel) and return its URL in a workspace of its own.

        The workspace (``?reset``) brings back no tab an earlier test opened.
        """
        write_notebook(self.root / f"{name}.ipynb", cells, SERVER_KERNEL)
        return f"{self.url}lab/workspaces/{name}/tree/{name}.ipynb?reset"
