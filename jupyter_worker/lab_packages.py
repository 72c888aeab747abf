"""Packages of ``%%worker`` cells in JupyterLab: the lock the server extension serves.

The server extension serves the offline Pyodide at ``/static/jupyter_worker/``
(``constants.LAB_PYODIDE_PATH``). Its lock names every package of the Pyodide
release by file name; the packages it does not ship must load from the
Pyodide CDN, as in upstream's kernel. This handler answers the lock's URL
(before the static files' handler) with those entries pointed at the CDN, and
with upstream's kernel wheels (piplite, ipykernel, pyodide-kernel: the
bundle's copies with bytecode) named, so that a worker loads them with
Pyodide instead of installing them one after the other with micropip and
piplite (``labextension/src/worker/startpackages.ts``), as a Lite site does.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import JupyterHandler

from .lite import site_lock
from .lite.pyodide_bundle import (
    COMPILED_KERNEL_WHEELS,
    kernel_wheels_in,
    lock_index,
    rewrite_lock,
)

#: Where the build put the offline Pyodide inside the installed package.
BUNDLED_PYODIDE = Path(__file__).parent / "pyodide_dist"


@cache
def lab_lock(cdn_url: str, cdn_lock: str) -> str:
    """The served lock (JSON): shipped wheels by name, the others at ``cdn_url``.

    ``cdn_lock`` is a local copy of the lock of ``cdn_url`` when that is not
    Pyodide's own distribution (empty: the bundled lock).
    """
    lock = site_lock.base_lock(BUNDLED_PYODIDE, cdn_lock)
    shipped = site_lock.shipped_files(BUNDLED_PYODIDE) | _name_kernel_wheels(lock)
    return json.dumps(site_lock.point_at_cdn(lock, shipped, cdn_url))


def _name_kernel_wheels(lock: dict[str, Any]) -> set[str]:
    """Name the bundle's kernel wheels in ``lock`` (changed in place); their file names.

    None if the package was built without upstream's wheels at hand: workers
    then install them as upstream's start does.
    """
    folder = BUNDLED_PYODIDE / COMPILED_KERNEL_WHEELS
    named = set()
    for name, wheel in kernel_wheels_in(folder).items():
        # one at a time: the lock's depends name only what is in it already
        rewrite_lock(lock, {name: wheel}, {name: wheel.name.split("-")[1]})
        file_name = f"{COMPILED_KERNEL_WHEELS}/{wheel.name}"
        lock["packages"][lock_index(lock)[name]]["file_name"] = file_name
        named.add(file_name)
    return named


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
