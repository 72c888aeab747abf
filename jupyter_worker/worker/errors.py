"""Exceptions raised by the page proxy."""

from __future__ import annotations

ISOLATION_HELP = (
    "the page is not cross-origin isolated, so worker Python cannot reach "
    "window/document synchronously (no SharedArrayBuffer). Fix: serve the page with "
    "the headers 'Cross-Origin-Opener-Policy: same-origin' and "
    "'Cross-Origin-Embedder-Policy: credentialless' (or require-corp): "
    "`jupyter worker serve SITE` does, hosts that read the site's _headers file do, "
    "and so does JupyterLab with jupyter-worker's server extension enabled. On hosts "
    "that cannot send headers, a JupyterLite site built with jupyter-worker isolates "
    "itself with a service worker and one reload, where the page is https:// or "
    "localhost, the browser window allows service workers (private windows may not) "
    "and the build kept JupyterWorkerAddon.isolation_fallback on."
)


class JsError(Exception):
    """An exception thrown on the page, carried into worker Python.

    Attributes
    ----------
    name
        The JavaScript error name (``TypeError``, ``NotFoundError``...).
    message
        Its message.
    stack
        The JavaScript stack, if any.
    """

    def __init__(self, name: str, message: str, stack: str = "") -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.stack = stack


class IsolationError(RuntimeError):
    """The page proxy is unavailable because the page is not cross-origin isolated."""

    def __init__(self) -> None:
        super().__init__(f"jupyter-worker: {ISOLATION_HELP}")
