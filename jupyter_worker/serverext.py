"""The Jupyter Server extension: cross-origin-isolation headers for JupyterLab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from jupyterlite_pyodide_kernel.constants import PYODIDE_CDN_URL
from traitlets import Bool, Enum, List, TraitError, Unicode, default

from .constants import EMBEDDER_POLICIES, LAB_PAGE_CONFIG_KEY, LAB_PYODIDE_PATH
from .headers import isolation_headers
from .lab_packages import LockHandler
from .lite.pyodide_bundle import LOCK_FILE


class WorkerServerApp(ExtensionApp):
    """Make every page the server sends cross-origin isolated.

    Workers started from an isolated page may share memory with it, which the
    synchronous ``window``/``document`` proxy and real interrupts need.
    """

    name = "jupyter_worker"
    description = "Cross-origin isolation for jupyter-worker's browser Pyodide workers."
    load_other_extensions = True

    isolation_headers = Bool(
        True,
        config=True,
        help=(
            "Send Cross-Origin-Opener-Policy, Cross-Origin-Embedder-Policy and "
            "Cross-Origin-Resource-Policy on every response, so pages are "
            "cross-origin isolated and browser workers get SharedArrayBuffer. "
            "Turn off if another proxy sets them, or if isolation breaks an embed "
            "you need; %%worker cells then still run but cannot touch the page."
        ),
    )

    embedder_policy = Enum(
        list(EMBEDDER_POLICIES),
        default_value="credentialless",
        config=True,
        help=(
            "The Cross-Origin-Embedder-Policy value. 'credentialless' keeps "
            "third-party images without CORP headers working in markdown and "
            "outputs (they load without cookies); 'require-corp' blocks them."
        ),
    )

    cdn_url = Unicode(
        PYODIDE_CDN_URL,
        config=True,
        help=(
            "Where %%worker cells load the Pyodide packages the server does not ship "
            "(numpy, pandas...): a folder laid out like the Pyodide CDN's for this "
            "Pyodide version (default: upstream's CDN URL), sending CORS headers."
        ),
    )

    cdn_lock = Unicode(
        "",
        config=True,
        help=(
            "A local copy of the pyodide-lock.json of cdn_url, when that folder is not "
            "Pyodide's own distribution (a mirror with packages of its own)."
        ),
    )

    pypi_index_urls = List(
        Unicode(),
        config=True,
        help=(
            "The package indexes micropip asks for %%worker --packages and %pip in a "
            "worker, in order (micropip.set_index_urls); empty: PyPI."
        ),
    )

    @default("static_paths")
    def _default_static_paths(self) -> list[str]:
        # The offline Pyodide for %%worker cells, at /static/jupyter_worker/
        # (constants.LAB_PYODIDE_PATH); the build puts it in the package.
        return [str(Path(__file__).parent / "pyodide_dist")]

    def _link_jupyter_server_extension(self, serverapp: Any) -> None:
        """Take the server's config; a bad value of ours stops the server's start.

        Jupyter Server logs an extension's failure to link and goes on: the
        server would then run with our defaults (an embedder policy the user
        did not choose), so it must not start at all.
        """
        try:
            super()._link_jupyter_server_extension(serverapp)
        except TraitError as error:
            self.log.critical("jupyter_worker: bad configuration: %s", error)
            msg = f"jupyter_worker: bad configuration: {error}"
            raise SystemExit(msg) from None

    def initialize_handlers(self) -> None:
        """Serve the Pyodide lock with its unshipped packages at the CDN."""
        lock_url = url_path_join("/", LAB_PYODIDE_PATH, LOCK_FILE)  # below the base URL
        options = {"cdn_url": self.cdn_url, "cdn_lock": self.cdn_lock}
        # before the static files' handler, which the base class adds after these
        self.handlers.append((lock_url, LockHandler, options))

    def initialize_settings(self) -> None:
        """Tell %%worker cells the package settings; add the isolation headers."""
        if self.serverapp is None:  # only when misused outside a server
            msg = "WorkerServerApp must be loaded by a Jupyter server"
            raise RuntimeError(msg)
        settings = self.serverapp.web_app.settings
        page_config = settings.setdefault("page_config_data", {})
        page_config[LAB_PAGE_CONFIG_KEY] = {"pypiIndexUrls": list(self.pypi_index_urls)}
        if not self.isolation_headers:
            self.log.info("jupyter_worker: cross-origin isolation headers are off")
            return
        headers = settings.setdefault("headers", {})
        # CORP same-origin: the server's pages load only its own resources, and
        # no other isolated page may load its API answers or /files/ into its
        # process (cross-origin would let it, e.g. with a Spectre-style read)
        wanted = isolation_headers(self.embedder_policy, resource_policy="same-origin")
        for name, value in wanted.items():
            if headers.get(name, value) != value:
                self.log.warning(
                    "jupyter_worker: keeping configured %s: %s (ours would be %s)",
                    name,
                    headers[name],
                    value,
                )
                continue
            headers[name] = value
        self.log.info(
            "jupyter_worker: pages are cross-origin isolated (COEP %s)",
            self.embedder_policy,
        )
