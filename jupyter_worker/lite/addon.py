"""The JupyterLite build addon: offline Pyodide and cross-origin isolation for the site.

Registered as the ``jupyter-worker`` entry point of ``jupyterlite.addon.v0``,
so ``jupyter lite build`` runs it whenever jupyter-worker is installed. It
points every Pyodide kernel of the site at a Pyodide that starts offline and
loads every other package as upstream's kernel does (the Pyodide CDN, PyPI;
see :mod:`.site_lock`), or, air-gapped, only from the site; and it makes the
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
from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL
from traitlets import Bool, List, Unicode

from ..constants import (
    EMBEDDER_POLICIES,
    LITE_ISOLATION_DIR,
    LITE_PYODIDE_DIR,
    PYODIDE_KERNEL_PLUGIN_ID,
)
from ..headers import isolation_headers
from . import isolation, site_lock
from .extra_packages import add_packages
from .kernel_wheels import UPSTREAM_EXTENSION, add_kernel_wheels, find_kernel_wheels, with_bytecode
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
        "worker-cdn-url": "JupyterWorkerAddon.cdn_url",
        "worker-packages": "JupyterWorkerAddon.packages",
        "worker-packages-dir": "JupyterWorkerAddon.packages_dir",
    }
    flags: ClassVar[dict[str, tuple[dict[str, dict[str, bool]], str]]] = {
        "no-worker-isolation-fallback": (
            {"JupyterWorkerAddon": {"isolation_fallback": False}},
            "Do not make the site's service worker add cross-origin-isolation headers.",
        ),
        "worker-air-gapped": (
            {"JupyterWorkerAddon": {"air_gapped": True}},
            "Load packages only from the site: no URL off the site in its config or lock.",
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

    cdn_url = Unicode(
        PYODIDE_CDN_URL,
        config=True,
        help=(
            "Where the site's Pyodide kernels load the Pyodide packages the site does "
            "not ship (numpy, pandas, matplotlib...), as upstream's kernel does: a "
            "folder laid out like the Pyodide CDN's for this Pyodide version (default: "
            "upstream's CDN URL). It must send CORS headers (Access-Control-Allow-Origin) "
            "for isolated pages. Unused when air_gapped."
        ),
    )

    cdn_lock = Unicode(
        "",
        config=True,
        help=(
            "A local copy of the pyodide-lock.json of cdn_url, when that folder is not "
            "Pyodide's own distribution (a mirror with packages of its own). Empty: the "
            "lock of the Pyodide shipped with jupyter-worker."
        ),
    )

    air_gapped = Bool(
        False,
        config=True,
        help=(
            "Load packages only from the site: the site's lock names only the wheels "
            "it ships, PyPI is off, and the build fails if any URL off the site is in "
            "the site's config or lock. Importing a Pyodide package the site does not "
            "ship fails at once, naming it and how to ship it (packages)."
        ),
    )

    packages = List(
        Unicode(),
        config=True,
        help=(
            "Packages to ship in the site, so they load with no network: names or "
            "requirements of Pyodide packages (their wheels from packages_dir; pure-"
            "Python ones may come from PyPI at the lock's version) or of PyPI projects "
            "(pure-Python wheels, resolved with their dependencies at build time by "
            "pip, which reads its usual configuration: index URL, find-links)."
        ),
    )

    packages_dir = Unicode(
        "",
        config=True,
        help=(
            "A folder of Pyodide-built wheels named as in the Pyodide lock (e.g. an "
            "unpacked Pyodide distribution of the same version), where packages finds "
            "the compiled packages it ships (numpy...)."
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
    def network_folder(self) -> str | None:
        """The folder of the site's Pyodide, whose files the service worker leaves to the browser.

        ``None`` when Pyodide loads from elsewhere (``pyodide_url``).
        """
        return None if self.pyodide_url else f"{LITE_PYODIDE_DIR}/"

    @property
    def headers(self) -> dict[str, str]:
        """The isolation headers of the site (from :mod:`jupyter_worker.headers`)."""
        return isolation_headers(self.embedder_policy)

    def build(self, manager: Any) -> Iterator[dict[str, Any]]:  # noqa: ARG002
        """Copy the offline Pyodide and our service worker and page scripts into the site."""
        scripts = [BUNDLED_ISOLATION / name for name in isolation.SCRIPTS]
        missing = [str(p) for p in scripts if not p.exists()]
        if missing:
            msg = (
                f"jupyter-worker has no service worker scripts ({', '.join(missing)}): "
                "reinstall it with `pip install` (the labextension build makes them)"
            )
            raise FileNotFoundError(msg)
        yield self.task(
            name="copy:isolation",
            doc="copy our part of the service worker and the isolation page script into the site",
            file_dep=scripts,
            targets=[self.output_isolation / p.name for p in scripts],
            actions=[(self.copy_one, [BUNDLED_ISOLATION, self.output_isolation])],
        )
        if self.pyodide_url:
            if self.air_gapped or self.packages:
                msg = (
                    "JupyterWorkerAddon.pyodide_url loads Pyodide from elsewhere: "
                    "air_gapped and packages need the site's own Pyodide (leave pyodide_url empty)"
                )
                raise ValueError(msg)
            return
        if not (BUNDLED_PYODIDE / LOCK_FILE).exists():
            msg = (
                f"jupyter-worker has no offline Pyodide at {BUNDLED_PYODIDE}: "
                "reinstall it with `pip install` (the build step makes it)"
            )
            raise FileNotFoundError(msg)
        files = sorted(p for p in BUNDLED_PYODIDE.iterdir() if p.is_file() and p.name != LOCK_FILE)
        copied = [self.output_pyodide / p.name for p in files]
        yield self.task(
            name="copy:pyodide",
            doc="copy the offline Pyodide core and start-up wheels into the site",
            file_dep=files,
            targets=copied,
            actions=[(self.copy_pyodide, [files])],
        )
        yield self.task(
            name="lock",
            doc="write the site's Pyodide lock: shipped wheels, the CDN or nothing for the rest",
            file_dep=[BUNDLED_PYODIDE / LOCK_FILE, *copied],
            targets=[self.output_pyodide / LOCK_FILE],
            # it depends on the options too: always redo (it is quick without packages)
            uptodate=[False],
            actions=[(self.write_lock, [])],
        )

    def copy_pyodide(self, files: list[Path]) -> None:
        """Copy the bundled Pyodide's files (not its lock) into the site."""
        self.output_pyodide.mkdir(parents=True, exist_ok=True)
        for path in files:
            self.copy_one(path, self.output_pyodide / path.name)

    def write_lock(self) -> None:
        """Write the site's lock (and, air-gapped, what it does not ship)."""
        lock = site_lock.base_lock(BUNDLED_PYODIDE, self.cdn_lock)
        dest = self.output_pyodide
        kernel = find_kernel_wheels()
        if kernel:
            add_kernel_wheels(lock, dest, with_bytecode(kernel, BUNDLED_PYODIDE))
        else:
            self.log.warning(
                "[jupyter-worker] no %s wheels found: kernels install them at start",
                UPSTREAM_EXTENSION,
            )
        python = ".".join(lock["info"]["python"].split(".")[:2])
        resolution = add_packages(
            lock,
            self.packages,
            dest,
            packages_dir=Path(self.packages_dir) if self.packages_dir else None,
            python_version=python,
            air_gapped=self.air_gapped,
        )
        for note in resolution.notes:
            self.log.warning("[jupyter-worker] %s", note)
        if resolution.shipped:
            self.log.info("[jupyter-worker] shipped: %s", ", ".join(sorted(resolution.shipped)))
        shipped = site_lock.shipped_files(dest)
        not_shipped = dest / site_lock.NOT_SHIPPED_FILE
        if self.air_gapped:
            lock, dropped = site_lock.drop_unshipped(lock, shipped)
            site_lock.write_json(not_shipped, dropped)
        else:
            lock = site_lock.point_at_cdn(lock, shipped, self.cdn_url)
            not_shipped.unlink(missing_ok=True)
        site_lock.write_json(dest / LOCK_FILE, lock)

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
            doc="header files; the service worker's prelude (start files, isolation fallback)",
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
            doc="the service worker has its prelude, every page the isolation fallback",
            uptodate=[False],
            actions=[(self.check_isolation, [Path(manager.output_dir)])],
        )

    def patch_isolation(self, output_dir: Path) -> None:
        """Write the header files, the service worker's prelude and the pages' fallback.

        What an option turns off is removed (a rebuild into the same folder).
        """
        headers = self.headers  # a bad embedder_policy fails here, even if unused
        isolation.write_header_files(output_dir, headers if self.header_files else None)
        fallback = self.isolation_fallback
        worker = output_dir / isolation.SERVICE_WORKER
        isolation.patch_service_worker(worker, headers if fallback else None, self.network_folder)
        config = json.loads((output_dir / JUPYTERLITE_JSON).read_text(encoding="utf-8"))
        query = isolation.enable_cache_query(config.get("jupyter-config-data", {}))
        for page in isolation.page_files(output_dir):
            isolation.patch_page(page, query if fallback else None)

    def check_isolation(self, output_dir: Path) -> None:
        """Raise if the service worker or a page lacks the prelude or fallback it should have."""
        worker = output_dir / isolation.SERVICE_WORKER
        headers = self.headers if self.isolation_fallback else None
        if not isolation.service_worker_is_patched(worker, headers, self.network_folder):
            msg = f"{worker} lacks jupyter-worker's prelude (start files, isolation headers)"
            raise ValueError(msg)
        if not self.isolation_fallback:
            return
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
        """Return the Pyodide kernel settings this addon writes.

        Both kernels of the site start from the site's Pyodide; the packages it
        does not ship load as upstream's kernel loads them (the lock names the
        CDN, piplite falls back to PyPI), unless the site is air-gapped.
        """
        if self.pyodide_url:
            return {"pyodideUrl": self.pyodide_url}
        wanted: dict[str, Any] = {"pyodideUrl": f"./{LITE_PYODIDE_DIR}/pyodide.mjs"}
        if self.air_gapped:
            wanted["disablePyPIFallback"] = True
        return wanted

    def patch_settings(self, config_path: Path) -> None:
        """Merge :meth:`wanted_settings` into the site's ``jupyter-lite.json``."""
        settings = self.get_lite_plugin_settings(config_path, PYODIDE_KERNEL_PLUGIN_ID)
        settings.update(self.wanted_settings())
        self.set_lite_plugin_settings(config_path, PYODIDE_KERNEL_PLUGIN_ID, settings)
        if self.air_gapped:
            self.check_air_gapped(config_path)

    def check_air_gapped(self, config_path: Path) -> None:
        """Raise if the site's config or lock names any URL off the site."""
        found = [
            f"{config_path.name} {where}"
            for where in site_lock.off_site_urls(json.loads(config_path.read_text("utf-8")))
        ]
        lock_path = self.output_pyodide / LOCK_FILE
        lock = json.loads(lock_path.read_text(encoding="utf-8"))
        found += [f"{LOCK_FILE} {where}" for where in site_lock.off_site_urls(lock)]
        if found:
            msg = "an air-gapped site names URLs off the site:\n  " + "\n  ".join(found)
            raise ValueError(msg)

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
            shipped = site_lock.shipped_files(self.output_pyodide)
            named = {entry["file_name"] for entry in lock["packages"].values()}
            if not shipped <= named:
                msg = f"wheels not in the lock: {sorted(shipped - named)}"
                raise ValueError(msg)
            missing = site_lock.missing_local_files(lock, self.output_pyodide)
            if missing:
                msg = f"{LOCK_FILE} names wheels the site does not have: {missing}"
                raise ValueError(msg)
            if self.air_gapped:
                self.check_air_gapped(config_path)
