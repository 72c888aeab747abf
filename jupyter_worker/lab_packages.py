"""Packages of ``%%worker`` cells in JupyterLab: the lock the server extension serves.

The server extension serves the offline Pyodide at ``/static/jupyter_worker/``
(``constants.LAB_PYODIDE_PATH``). Its lock names every package of the Pyodide
release by file name; the packages it does not ship must load from the
Pyodide CDN, as in upstream's kernel. This handler answers the lock's URL
(before the static files' handler) with those entries pointed at the CDN.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from jupyter_server.base.handlers import JupyterHandler

from .lite import site_lock

#: Where the build put the offline Pyodide inside the installed package.
BUNDLED_PYODIDE = Path(__file__).parent / "pyodide_dist"


@cache
def lab_lock(cdn_url: str, cdn_lock: str) -> str:
    """The served lock (JSON): shipped wheels by name, the others at ``cdn_url``.

    ``cdn_lock`` is a local copy of the lock of ``cdn_url`` when that is not
    Pyodide's own distribution (empty: the bundled lock).
    """
    lock = site_lock.base_lock(BUNDLED_PYODIDE, cdn_lock)
    shipped = site_lock.shipped_files(BUNDLED_PYODIDE)
    return json.dumps(site_lock.point_at_cdn(lock, shipped, cdn_url))


class LockHandler(JupyterHandler):
    """Answer ``GET`` of the served Pyodide's lock (public, like the static files)."""

    def initialize(self, cdn_url: str, cdn_lock: str) -> None:
        """Take the server extension's settings."""
        self._cdn_url = cdn_url
        self._cdn_lock = cdn_lock

    def get(self) -> None:
        """Send the lock, its unshipped packages at the CDN."""
        self.set_header("Content-Type", "application/json")
        self.finish(lab_lock(self._cdn_url, self._cdn_lock))
