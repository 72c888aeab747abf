"""The JupyterLite build addon: an offline Pyodide for every Pyodide kernel of the site.

Registered as the ``jupyter-worker`` entry point of ``jupyterlite.addon.v0``,
so ``jupyter lite build`` runs it whenever jupyter-worker is installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from jupyterlite_core.addons.base import BaseAddon
from jupyterlite_core.constants import JUPYTERLITE_JSON
from traitlets import Unicode

from ..constants import LITE_PYODIDE_DIR, PYODIDE_KERNEL_PLUGIN_ID
from .pyodide_bundle import LOCK_FILE

#: Where the build put the offline Pyodide inside the installed package.
BUNDLED_PYODIDE = Path(__file__).parent.parent / "pyodide_dist"


class JupyterWorkerAddon(BaseAddon):  # type: ignore[misc]
    """Put the offline Pyodide into the site and point the Pyodide kernels at it."""

    __all__: ClassVar[list[str]] = ["build", "post_build", "check"]

    aliases: ClassVar[dict[str, str]] = {"worker-pyodide-url": "JupyterWorkerAddon.pyodide_url"}

    pyodide_url = Unicode(
        "",
        config=True,
        help=(
            "Where the site's Pyodide kernels load Pyodide from. Empty (the default): "
            "the offline Pyodide shipped with jupyter-worker is copied into the site "
            "and nothing is fetched from elsewhere at run time. A URL of a pyodide.mjs "
            "(e.g. a CDN's, 'https://cdn.jsdelivr.net/pyodide/v314.0.6/full/pyodide.mjs'): "
            "nothing is copied and the kernels load Pyodide, its compiled packages "
            "(numpy, pandas...) and PyPI packages over the network."
        ),
    )

    @property
    def output_pyodide(self) -> Path:
        """The folder of the offline Pyodide in the built site."""
        return Path(self.manager.output_dir) / LITE_PYODIDE_DIR

    def build(self, manager: Any) -> Iterator[dict[str, Any]]:  # noqa: ARG002
        """Copy the offline Pyodide into the site."""
        if self.pyodide_url:
            return
        if not (BUNDLED_PYODIDE / LOCK_FILE).exists():
            msg = (
                f"jupyter-worker has no offline Pyodide at {BUNDLED_PYODIDE}: "
                "reinstall it with `pip install` (the build step makes it)"
            )
            raise FileNotFoundError(msg)
        files = sorted(p for p in BUNDLED_PYODIDE.iterdir() if p.is_file())
        yield self.task(
            name="copy:pyodide",
            doc="copy the offline Pyodide core and start-up wheels into the site",
            file_dep=files,
            targets=[self.output_pyodide / p.name for p in files],
            actions=[(self.copy_one, [BUNDLED_PYODIDE, self.output_pyodide])],
        )

    def post_build(self, manager: Any) -> Iterator[dict[str, Any]]:
        """Point the Pyodide kernels' settings at the chosen Pyodide."""
        config_path = Path(manager.output_dir) / JUPYTERLITE_JSON
        yield self.task(
            name=f"patch:{JUPYTERLITE_JSON}",
            doc="point the Pyodide kernels at the offline (or chosen) Pyodide",
            file_dep=[config_path],
            actions=[(self.patch_settings, [config_path])],
        )

    def check(self, manager: Any) -> Iterator[dict[str, Any]]:
        """Fail the build if the site would not find its Pyodide."""
        config_path = Path(manager.output_dir) / JUPYTERLITE_JSON
        yield self.task(
            name="pyodide",
            doc="the offline Pyodide named by jupyter-lite.json is in the site",
            file_dep=[config_path],
            actions=[(self.check_settings, [config_path])],
        )

    def wanted_settings(self) -> dict[str, Any]:
        """Return the Pyodide kernel settings this addon writes."""
        if self.pyodide_url:
            return {"pyodideUrl": self.pyodide_url}
        return {
            "pyodideUrl": f"./{LITE_PYODIDE_DIR}/pyodide.mjs",
            # Offline: a package that is not in the site fails clearly instead of
            # reaching for PyPI.
            "disablePyPIFallback": True,
        }

    def patch_settings(self, config_path: Path) -> None:
        """Merge :meth:`wanted_settings` into the site's ``jupyter-lite.json``."""
        settings = self.get_lite_plugin_settings(config_path, PYODIDE_KERNEL_PLUGIN_ID)
        settings.update(self.wanted_settings())
        self.set_lite_plugin_settings(config_path, PYODIDE_KERNEL_PLUGIN_ID, settings)

    def check_settings(self, config_path: Path) -> None:
        """Raise if the settings do not name the Pyodide this addon put in the site."""
        settings = self.get_lite_plugin_settings(config_path, PYODIDE_KERNEL_PLUGIN_ID)
        wanted = self.wanted_settings()
        if settings.get("pyodideUrl") != wanted["pyodideUrl"]:
            msg = (
                f"{config_path} names Pyodide {settings.get('pyodideUrl')!r}, not "
                f"{wanted['pyodideUrl']!r}: another addon or a jupyter-lite.json in the "
                "site folder overrode it (set JupyterWorkerAddon.pyodide_url instead)"
            )
            raise ValueError(msg)
        if not self.pyodide_url:
            lock = json.loads((self.output_pyodide / LOCK_FILE).read_text(encoding="utf-8"))
            shipped = {p.name for p in self.output_pyodide.glob("*.whl")}
            named = {entry["file_name"] for entry in lock["packages"].values()}
            if not shipped <= named:
                msg = f"wheels not in the lock: {sorted(shipped - named)}"
                raise ValueError(msg)
