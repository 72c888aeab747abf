"""The JupyterLite build addon: offline Pyodide and cross-origin isolation for the site.

Registered as the ``jupyter-worker`` entry point of ``jupyterlite.addon.v0``,
so ``jupyter lite build`` runs it whenever jupyter-worker is installed. It
points every Pyodide kernel of the site at an offline Pyodide, and makes the
site's pages cross-origin isolated on any host (header files, and a
service-worker fallback for hosts that cannot send headers; see
:mod:`.isolation`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from jupyterlite_core.addons.base import BaseAddon
from jupyterlite_core.constants import JUPYTERLITE_JSON
from traitlets import Bool, Unicode

from ..constants import (
    EMBEDDER_POLICIES,
    LITE_ISOLATION_DIR,
    LITE_PYODIDE_DIR,
    PYODIDE_KERNEL_PLUGIN_ID,
)
from ..headers import isolation_headers
from . import isolation
from .pyodide_bundle import LOCK_FILE

#: Where the build put the offline Pyodide inside the installed package.
BUNDLED_PYODIDE = Path(__file__).parent.parent / "pyodide_dist"

#: Where the labextension build put the isolation scripts inside the installed package.
BUNDLED_ISOLATION = Path(__file__).parent.parent / "labextension" / "static" / "isolation"


class JupyterWorkerAddon(BaseAddon):  # type: ignore[misc]
    """Put the offline Pyodide into the site and point the Pyodide kernels at it."""

    __all__: ClassVar[list[str]] = ["build", "post_build", "check"]

    aliases: ClassVar[dict[str, str]] = {
        "worker-pyodide-url": "JupyterWorkerAddon.pyodide_url",
        "worker-embedder-policy": "JupyterWorkerAddon.embedder_policy",
    }
    flags: ClassVar[dict[str, tuple[dict[str, dict[str, bool]], str]]] = {
        "no-worker-isolation-fallback": (
            {"JupyterWorkerAddon": {"isolation_fallback": False}},
            "Do not make the site's service worker add cross-origin-isolation headers.",
        ),
    }

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

    isolation_fallback = Bool(
        True,
        config=True,
        help=(
            "Make the site cross-origin isolated on hosts that cannot send headers "
            "(GitHub Pages, python -m http.server): JupyterLite's own service worker "
            "adds the isolation headers to every response, and a small script at the "
            "top of each page registers it and reloads the page once on the first "
            "visit. Needs service workers (not in e.g. Firefox private windows). "
            "Turn off when the host sends the headers itself."
        ),
    )

    # Unicode, not Enum: JupyterLite only warns when an addon's config fails to
    # load, and builds the site without the addon; a bad value must fail the build
    # (isolation_headers raises, naming the choices, in the isolation task).
    embedder_policy = Unicode(
        "credentialless",
        config=True,
        help=(
            "The Cross-Origin-Embedder-Policy of the site's pages, in its header "
            "files (_headers, .htaccess) and its service-worker fallback. "
            "'credentialless' keeps cross-origin images and embeds without CORP "
            "headers working in markdown and outputs (they load without cookies); "
            "'require-corp' blocks them (use it for browsers without credentialless, "
            "e.g. Safari). One of: " + ", ".join(EMBEDDER_POLICIES) + "."
        ),
    )

    header_files = Bool(
        True,
        config=True,
        help=(
            "Write the isolation headers into the site for hosts that read header "
            "files: _headers (Netlify, Cloudflare Pages) and .htaccess (Apache with "
            "mod_headers). Rules of your own in those files are kept."
        ),
    )

    @property
    def output_pyodide(self) -> Path:
        """The folder of the offline Pyodide in the built site."""
        return Path(self.manager.output_dir) / LITE_PYODIDE_DIR

    @property
    def output_isolation(self) -> Path:
        """The folder of the isolation scripts in the built site."""
        return Path(self.manager.output_dir) / LITE_ISOLATION_DIR

    @property
    def headers(self) -> dict[str, str]:
        """The isolation headers of the site (from :mod:`jupyter_worker.headers`)."""
        return isolation_headers(self.embedder_policy)

    def build(self, manager: Any) -> Iterator[dict[str, Any]]:  # noqa: ARG002
        """Copy the offline Pyodide and the isolation scripts into the site."""
        if self.isolation_fallback:
            scripts = [BUNDLED_ISOLATION / name for name in isolation.SCRIPTS]
            missing = [str(p) for p in scripts if not p.exists()]
            if missing:
                msg = (
                    f"jupyter-worker has no isolation scripts ({', '.join(missing)}): "
                    "reinstall it with `pip install` (the labextension build makes them)"
                )
                raise FileNotFoundError(msg)
            yield self.task(
                name="copy:isolation",
                doc="copy the service-worker isolation scripts into the site",
                file_dep=scripts,
                targets=[self.output_isolation / p.name for p in scripts],
                actions=[(self.copy_one, [BUNDLED_ISOLATION, self.output_isolation])],
            )
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
        """Point the Pyodide kernels at the chosen Pyodide; make the pages isolated."""
        config_path = Path(manager.output_dir) / JUPYTERLITE_JSON
        yield self.task(
            name=f"patch:{JUPYTERLITE_JSON}",
            doc="point the Pyodide kernels at the offline (or chosen) Pyodide",
            file_dep=[config_path],
            actions=[(self.patch_settings, [config_path])],
        )

        output_dir = Path(manager.output_dir)
        yield self.task(
            name="isolation",
            doc="cross-origin isolation: header files, service-worker fallback",
            # the pages and the service worker are edited in place: always redo
            uptodate=[False],
            actions=[(self.patch_isolation, [output_dir])],
        )

    def check(self, manager: Any) -> Iterator[dict[str, Any]]:
        """Fail the build if the site would not find its Pyodide or miss its isolation."""
        config_path = Path(manager.output_dir) / JUPYTERLITE_JSON
        yield self.task(
            name="pyodide",
            doc="the offline Pyodide named by jupyter-lite.json is in the site",
            file_dep=[config_path],
            actions=[(self.check_settings, [config_path])],
        )
        yield self.task(
            name="isolation",
            doc="every page and the service worker carry the isolation fallback",
            uptodate=[False],
            actions=[(self.check_isolation, [Path(manager.output_dir)])],
        )

    def patch_isolation(self, output_dir: Path) -> None:
        """Write the header files and the service-worker fallback (or remove them)."""
        headers = self.headers  # a bad embedder_policy fails here, even if unused
        isolation.write_header_files(output_dir, headers if self.header_files else None)
        fallback = self.isolation_fallback
        isolation.patch_service_worker(
            output_dir / isolation.SERVICE_WORKER, headers if fallback else None
        )
        config = json.loads((output_dir / JUPYTERLITE_JSON).read_text(encoding="utf-8"))
        query = isolation.enable_cache_query(config.get("jupyter-config-data", {}))
        for page in isolation.page_files(output_dir):
            isolation.patch_page(page, query if fallback else None)

    def check_isolation(self, output_dir: Path) -> None:
        """Raise if a page or the service worker lacks the fallback it should have."""
        if not self.isolation_fallback:
            return
        if not isolation.service_worker_is_patched(
            output_dir / isolation.SERVICE_WORKER, self.headers
        ):
            msg = f"{output_dir / isolation.SERVICE_WORKER} does not add the isolation headers"
            raise ValueError(msg)
        pages = [
            p
            for p in isolation.page_files(output_dir)
            if "data-jupyter-lite-root" in p.read_text(encoding="utf-8")
        ]
        bare = [str(p) for p in pages if not isolation.page_is_patched(p)]
        if not pages or bare:
            msg = f"pages without the isolation script: {bare or 'no JupyterLite page found'}"
            raise ValueError(msg)

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
