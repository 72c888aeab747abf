"""Upstream's kernel wheels in the site's lock, so that a start loads them with Pyodide.

Upstream's Pyodide kernel ships piplite, ipykernel (a stand-in) and
pyodide-kernel as wheels in its labextension and installs them at each start
with micropip and piplite, one after the other. Copied next to the site's
lock and named in it, they load with Pyodide instead (``loadPyodide``'s
``packages``: downloaded while Pyodide starts), which the worker kernel does
(``labextension/src/worker/startpackages.ts``); upstream's kernel is unchanged.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path

from .pyodide_bundle import normalize, rewrite_lock

#: The npm name of upstream's kernel labextension, which holds the wheels.
UPSTREAM_EXTENSION = "@jupyterlite/pyodide-kernel-extension"

#: Its wheels a kernel start installs, by project name (each after those it needs).
KERNEL_WHEELS = ("pyodide_kernel", "ipykernel", "piplite")


def find_kernel_wheels(search: list[str] | None = None) -> dict[str, Path]:
    """The kernel wheels of the first installed upstream labextension that has them.

    ``search`` lists the labextension folders to look in (default: Jupyter's).
    Returns normalized name -> wheel; empty if none has them all.
    """
    for root in search if search is not None else jupyter_path("labextensions"):
        folder = Path(root) / UPSTREAM_EXTENSION / "static" / "pypi"
        found = {}
        for name in KERNEL_WHEELS:
            wheels = sorted(folder.glob(f"{name}-*-py3-none-any.whl"))
            if wheels:
                found[normalize(name)] = wheels[-1]
        if len(found) == len(KERNEL_WHEELS):
            return found
    return {}


def add_kernel_wheels(lock: dict[str, Any], dest: Path, wheels: dict[str, Path]) -> list[str]:
    """Copy ``wheels`` (from :func:`find_kernel_wheels`) into ``dest`` and name them in ``lock``.

    Returns the lock names added.
    """
    for name, wheel in wheels.items():
        target = dest / wheel.name
        shutil.copyfile(wheel, target)
        # one at a time: the lock's depends name only what is in it already
        rewrite_lock(lock, {name: target}, {name: wheel.name.split("-")[1]})
    return sorted(wheels)
