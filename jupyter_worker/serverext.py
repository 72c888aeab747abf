"""The Jupyter Server extension: cross-origin-isolation headers for JupyterLab."""

from __future__ import annotations

from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Enum, default

from .constants import EMBEDDER_POLICIES
from .headers import isolation_headers


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

    @default("static_paths")
    def _default_static_paths(self) -> list[str]:
        # The offline Pyodide for %%worker cells, at /static/jupyter_worker/
        # (constants.LAB_PYODIDE_PATH); the build puts it in the package.
        return [str(Path(__file__).parent / "pyodide_dist")]

    def initialize_settings(self) -> None:
        """Add the isolation headers to the server's response headers."""
        if not self.isolation_headers:
            self.log.info("jupyter_worker: cross-origin isolation headers are off")
            return
        if self.serverapp is None:  # only when misused outside a server
            msg = "WorkerServerApp must be loaded by a Jupyter server"
            raise RuntimeError(msg)
        headers = self.serverapp.web_app.settings.setdefault("headers", {})
        for name, value in isolation_headers(self.embedder_policy).items():
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
