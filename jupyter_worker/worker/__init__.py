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
from .crossing import WorkerCrashed, WorkerError
from .errors import IsolationError, JsError
from .futures import WorkerFuture, as_completed
from .pool import Pool
from .proxy import JsMethod, JsRef
from .spawn import Worker, sync

__all__ = [
    "IsolationError",
    "JsError",
    "JsMethod",
    "JsRef",
    "Pool",
    "Worker",
    "WorkerCrashed",
    "WorkerError",
    "WorkerFuture",
    "as_completed",
    "callback",
    "display",
    "release",
    "run_sync",
    "session",
    "sync",
    "wait_for",
]
