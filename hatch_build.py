"""Hatch build hook: ship an offline Pyodide inside the Python package.

Runs after the jupyter-builder hook (which installs the npm packages, among
them the pinned ``pyodide``). Writes ``jupyter_worker/pyodide_dist``: the
Pyodide core, the pure-Python wheels the kernel loads at start (from PyPI),
bytecode for what a start imports (compiled by that Pyodide in Node) and a
lock rewritten to point at them. Skipped when that folder is complete,
so a wheel built from an sdist needs neither Node nor network.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

HERE = Path(__file__).parent
DIST = HERE / "jupyter_worker" / "pyodide_dist"
NPM_PYODIDE = HERE / "labextension" / "node_modules" / "pyodide"
NPM_KERNEL_WHEELS = (
    HERE / "labextension" / "node_modules" / "@jupyterlite" / "pyodide-kernel" / "pypi"
)


class OfflinePyodideHook(BuildHookInterface):  # type: ignore[type-arg]
    """Assemble ``jupyter_worker/pyodide_dist`` before the wheel is packed."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:  # noqa: ARG002
        """Build the offline Pyodide unless it is already there."""
        if self.target_name != "wheel":
            return
        sys.path.insert(0, str(HERE))
        from jupyter_worker.constants import (
            EXTRA_START_PACKAGES,
            KERNEL_START_IMPORTS,
            KERNEL_START_PACKAGES,
            KERNEL_WHEEL_IMPORTS,
        )
        from jupyter_worker.lite.pyodide_bundle import LOCK_FILE, build_bundle, kernel_wheels_in

        if (DIST / LOCK_FILE).exists() and not NPM_PYODIDE.exists():
            return
        if not NPM_PYODIDE.exists():
            msg = f"{NPM_PYODIDE} is missing: the npm build step did not run"
            raise RuntimeError(msg)
        # upstream's kernel wheels, as its npm package has them: compiled too
        kernel = kernel_wheels_in(NPM_KERNEL_WHEELS)
        imports = [*KERNEL_START_IMPORTS, *(KERNEL_WHEEL_IMPORTS if kernel else ())]
        build_bundle(
            NPM_PYODIDE,
            DIST,
            KERNEL_START_PACKAGES,
            EXTRA_START_PACKAGES,
            imports,
            kernel_wheels=kernel,
        )
