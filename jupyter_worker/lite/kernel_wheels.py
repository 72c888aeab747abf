"""Upstream's kernel wheels in the site's lock, so that a start loads them with Pyodide.

Upstream's Pyodide kernel ships piplite, ipykernel (a stand-in) and
pyodide-kernel as wheels in its labextension and installs them at each start
with micropip and piplite, one after the other. Copied next to the site's
lock and named in it, they load with Pyodide instead (``loadPyodide``'s
``packages``: downloaded while Pyodide starts), which the worker kernel does
(``labextension/src/worker/startpackages.ts``); upstream's kernel is unchanged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_path

from .pyodide_bundle import (
    COMPILED_KERNEL_WHEELS,
    COMPILED_SOURCES,
    kernel_wheels_in,
    rewrite_lock,
    sha256,
)

#: The npm name of upstream's kernel labextension, which holds the wheels.
UPSTREAM_EXTENSION = "@jupyterlite/pyodide-kernel-extension"


def find_kernel_wheels(search: list[str] | None = None) -> dict[str, Path]:
    """The kernel wheels of the first installed upstream labextension that has them.

    ``search`` lists the labextension folders to look in (default: Jupyter's).
    Returns normalized name -> wheel; empty if none has them all.
    """
    for root in search if search is not None else jupyter_path("labextensions"):
        found = kernel_wheels_in(Path(root) / UPSTREAM_EXTENSION / "static" / "pypi")
        if found:
            return found
    return {}


def with_bytecode(wheels: dict[str, Path], bundled: Path) -> dict[str, Path]:
    """``wheels`` (upstream's), each replaced by the bundle's copy with bytecode, if it has one.

    The package's build compiles the wheels of upstream's npm package into
    ``bundled`` (``pyodide_bundle.build_bundle``); a copy stands in for an
    installed wheel only if it was made from that very wheel (its sha256).
    """
    folder = bundled / COMPILED_KERNEL_WHEELS
    try:
        sources = json.loads((folder / COMPILED_SOURCES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return dict(wheels)
    chosen = {}
    for name, wheel in wheels.items():
        compiled = folder / wheel.name
        same = compiled.is_file() and sources.get(wheel.name) == sha256(wheel)
        chosen[name] = compiled if same else wheel
    return chosen


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
