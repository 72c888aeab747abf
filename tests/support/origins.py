"""Stand-ins for the network a site loads packages from, each on its own origin.

- A "CDN" folder laid out like Pyodide's: the lock of the shipped Pyodide plus
  an entry for a small Pyodide-style wheel built here.
- A PyPI-like simple index (PEP 503 HTML) for micropip.

Both are served on other ports of 127.0.0.1 with what the real servers must
send for an isolated page to load them: ``Access-Control-Allow-Origin: *``
(and ``Cross-Origin-Resource-Policy: cross-origin``). Each logs the paths
asked for, so tests can tell whether a request was made at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from jupyter_worker.lite.pyodide_bundle import LOCK_FILE

#: The bundled Pyodide's lock (what the real CDN's lock of this version says).
BUNDLED_LOCK = Path(__file__).parents[2] / "jupyter_worker" / "pyodide_dist" / LOCK_FILE

#: A compiled-looking package only the "CDN" has, and a pure one only the index has.
CDN_PACKAGE = "jwcdnpkg"
CDN_WHEEL = f"{CDN_PACKAGE}-1.0-cp314-cp314-pyemscripten_2026_0_wasm32.whl"
PYPI_PACKAGE = "jwpypipkg"
PYPI_WHEEL = f"{PYPI_PACKAGE}-1.0-py3-none-any.whl"


def build_wheel(folder: Path, file_name: str, module: str, source: str) -> Path:
    """Write a minimal wheel holding ``module/__init__.py``; return its path."""
    name, version = file_name.split("-")[:2]
    dist_info = f"{name}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": source,
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: jupyter-worker-tests\n"
        "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / file_name
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def sha256(path: Path) -> str:
    """The hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_cdn(folder: Path) -> Path:
    """A Pyodide-CDN-like folder: the real lock plus :data:`CDN_PACKAGE`; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(folder, CDN_WHEEL, CDN_PACKAGE, 'WHERE = "from the CDN"\n')
    lock = json.loads(BUNDLED_LOCK.read_text(encoding="utf-8"))
    lock["packages"][CDN_PACKAGE] = {
        "name": CDN_PACKAGE,
        "version": "1.0",
        "file_name": wheel.name,
        "sha256": sha256(wheel),
        "imports": [CDN_PACKAGE],
        "depends": [],
        "install_dir": "site",
        "package_type": "package",
        "unvendored_tests": False,
    }
    (folder / LOCK_FILE).write_text(json.dumps(lock), encoding="utf-8")
    return folder


def make_index(folder: Path) -> Path:
    """A PEP 503 simple index with :data:`PYPI_PACKAGE`; return its ``simple`` folder.

    The wheel also sits in ``folder/wheels`` (for ``pip --find-links``).
    """
    wheels = folder / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(wheels, PYPI_WHEEL, PYPI_PACKAGE, 'WHERE = "from the index"\n')
    return index_wheels(folder, [wheel])


def index_wheels(folder: Path, wheels: list[Path]) -> Path:
    """Add ``wheels`` to the simple index in ``folder``; return its ``simple`` folder.

    Each wheel is copied to ``folder/wheels`` (unless it is there) and linked
    from its project's page, with its sha256, as PyPI does (one wheel per
    project: a later one of the same project replaces the page).
    """
    (folder / "wheels").mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        kept = folder / "wheels" / wheel.name
        if kept != wheel:
            shutil.copyfile(wheel, kept)
        name = re.sub(r"[-_.]+", "-", wheel.name.split("-")[0]).lower()
        project = folder / "simple" / name
        project.mkdir(parents=True, exist_ok=True)
        link = f'<a href="../../wheels/{kept.name}#sha256={sha256(kept)}">{kept.name}</a>'
        (project / "index.html").write_text(
            f"<!DOCTYPE html><html><body>{link}</body></html>\n", encoding="utf-8"
        )
    return folder / "simple"


class _CorsHandler(SimpleHTTPRequestHandler):
    """Static files with the headers a CDN must send to isolated pages; logs paths."""

    requests: ClassVar[list[str]] = []
    extensions_map: ClassVar[dict[str, str]] = {  # type: ignore[misc]
        **SimpleHTTPRequestHandler.extensions_map,
        ".whl": "application/zip",
        ".json": "application/json",
        ".html": "text/html",
    }

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        super().do_GET()

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Origin:
    """A served folder: its base URL and the paths asked for so far."""

    url: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def serve_origin(root: Path) -> Iterator[Origin]:
    """Serve ``root`` on a free port of 127.0.0.1 (another origin than the site's)."""
    handler = type("Handler", (_CorsHandler,), {"requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Origin(f"http://127.0.0.1:{server.server_address[1]}/", handler.requests)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Trap:
    """A TCP port that takes connections and closes them; counts them."""

    port: int
    connections: list[float] = field(default_factory=list)


@contextmanager
def trap() -> Iterator[Trap]:
    """Listen on a free port of 127.0.0.1; every connection is counted and closed.

    Chromium started with ``--host-resolver-rules=MAP <host> 127.0.0.1:<port>``
    sends every request for that host here, so a test can see that none was
    even attempted (or that one was) with the real URLs.
    """
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    found = Trap(int(listener.getsockname()[1]))
    stopping = threading.Event()

    def accept() -> None:
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            found.connections.append(time.monotonic())
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stopping.set()
        thread.join()
        listener.close()
