"""``with batch():`` and ``@batched``: page operations of a block in one round trip.

The queue, the stand-ins of results and the send are ``batching.py``'s.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from .batching import Batch
from .connection import session


class batch:  # noqa: N801 - used like a function
    """Queue page sets, deletes and calls, and send them in one round trip.

    ``with batch():`` sends the queue when the block ends (also when it ends
    with an exception; an interrupt drops what was not sent yet). Blocks
    nest: the outermost sends. Outside a jupyter-worker worker on an
    isolated page, raises :class:`~jupyter_worker.worker.IsolationError`.
    """

    def __enter__(self) -> None:
        current = session()
        if current.batch is None:
            current.batch = Batch(current)
        else:
            current.batch.depth += 1

    def __exit__(self, kind: type[BaseException] | None, error: object, tb: object) -> None:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        current = session()
        queued = current.batch
        if queued is None:  # a callback's block inside a suspended one: nothing to do
            return
        if queued.depth > 1:
            queued.depth -= 1
            return
        current.batch = None  # first: an interrupt from here on leaves no stale batch
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            queued.drop(KeyboardInterrupt("interrupted before the batch was sent"))
        else:
            queued.flush()


_F = TypeVar("_F", bound=Callable[..., Any])


def batched(function: _F) -> _F:
    """Run ``function`` in a :class:`batch` (decorator)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with batch():
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
