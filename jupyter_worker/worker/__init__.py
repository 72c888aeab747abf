"""The page, from worker Python: runs only inside a jupyter-worker Pyodide worker.

``document`` and ``window`` are synchronous proxies of the page's objects;
every attribute get, set or call is one round trip over shared memory.
"""

from __future__ import annotations

from .batches import batch, batched
from .batching import JsPending, settled
from .connection import (
    callback,
    display,
    release,
    run_sync,
    session,
    wait_for,
)
from .crossing import WorkerCrashed, WorkerError
from .drawing import image_data, next_frame
from .errors import IsolationError, JsError
from .futures import WorkerFuture, as_completed
from .pool import Pool
from .proxy import JsMethod, JsRef
from .spawn import Worker, sync

__all__ = [
    "IsolationError",
    "JsError",
    "JsMethod",
    "JsPending",
    "JsRef",
    "Pool",
    "Worker",
    "WorkerCrashed",
    "WorkerError",
    "WorkerFuture",
    "as_completed",
    "batch",
    "batched",
    "callback",
    "display",
    "image_data",
    "next_frame",
    "release",
    "run_sync",
    "session",
    "settled",
    "sync",
    "wait_for",
]
