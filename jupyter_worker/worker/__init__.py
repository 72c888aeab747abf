"""The page, from worker Python: runs only inside a jupyter-worker Pyodide worker.

``document`` and ``window`` are synchronous proxies of the page's objects;
every attribute get, set or call is one round trip over shared memory.
"""

from __future__ import annotations

from .connection import (
    callback,
    display,
    release,
    run_sync,
    session,
    wait_for,
)
from .errors import IsolationError, JsError
from .proxy import JsMethod, JsRef
from .spawn import Worker, WorkerCrashed, WorkerError, sync

__all__ = [
    "IsolationError",
    "JsError",
    "JsMethod",
    "JsRef",
    "Worker",
    "WorkerCrashed",
    "WorkerError",
    "callback",
    "display",
    "release",
    "run_sync",
    "session",
    "sync",
    "wait_for",
]
