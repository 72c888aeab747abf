"""Run notebook cells in browser Pyodide web workers that can reach the page.

This module holds only entry points; the work is done in the submodules.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__
from .constants import LABEXTENSION_NAME

__all__ = ["__version__"]

#: Names that exist only inside a jupyter-worker Pyodide worker.
_WORKER_NAMES = frozenset(
    {
        "IsolationError", "JsError", "Pool", "Worker", "WorkerCrashed", "WorkerError",
        "WorkerFuture", "as_completed", "batch", "batched", "callback", "display", "document",
        "image_data", "next_frame", "release", "run_sync", "settled", "sync", "wait_for",
        "window",
    }
)  # fmt: skip


def __getattr__(name: str) -> Any:
    """Give worker code ``document``, ``window``, ``display``... lazily."""
    if name not in _WORKER_NAMES:
        msg = f"module 'jupyter_worker' has no attribute {name!r}"
        raise AttributeError(msg)
    from . import worker
    from .worker.connection import session

    if name in ("document", "window"):
        return session().root(name)
    return getattr(worker, name)


def load_ipython_extension(ipython: Any) -> None:
    """Make ``%%worker`` / ``%worker`` known to an IPython kernel (``%load_ext jupyter_worker``).

    Parameters
    ----------
    ipython
        The running ``InteractiveShell``.
    """
    from .magic.magics import WorkerMagics

    ipython.register_magics(WorkerMagics(ipython, parent=ipython))


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Tell JupyterLab where the prebuilt labextension lives."""
    return [{"src": "labextension", "dest": LABEXTENSION_NAME}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Tell Jupyter Server which extension app to load."""
    from .serverext import WorkerServerApp

    return [{"module": "jupyter_worker", "app": WorkerServerApp}]
