"""Requests to started workers that answer later: tickets on the page, futures here.

A request sent with ``detach`` is answered at once with a ticket; the page
runs it when the worker's earlier requests are done and keeps its answer.
:class:`WorkerFuture` is a :class:`concurrent.futures.Future` whose
``result()`` waits on the page for its ticket (there are no threads here to
set it). Prints of the request show when its result is taken.
"""

from __future__ import annotations

import concurrent.futures
import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .connection import current_parent, session
from .crossing import exception_of, from_json, show
from .errors import IsolationError

#: Futures of this interpreter whose ticket the page still holds.
_pending: dict[int, WorkerFuture] = {}


#: What the synchronous forms' IsolationError adds.
ASYNC_HINT = (
    "Without isolation, started workers work asynchronously: w = Worker(), then "
    "await w.aexec(code) and await w.acall(name, *args)."
)


#: Parent headers of the cells whose requests wait on the page now (innermost last).
calling_cells: list[Any] = []


def request(value: dict[str, Any]) -> Any:
    """One request to the page's worker host (waiting on the page); its JSON answer, decoded.

    While it waits, ``calling_cells`` ends with the running cell's header
    (``sync`` functions a started worker calls meanwhile print there).
    """
    try:
        bridge = session()
    except IsolationError as error:
        error.add_note(ASYNC_HINT)
        raise
    calling_cells.append(current_parent())
    try:
        return from_json(bridge.request({"op": "workers"}, value=value))
    finally:
        calling_cells.pop()


async def arequest(value: dict[str, Any]) -> Any:
    """One request to the page's worker host by message (no isolation needed); its answer."""
    try:
        import _jupyter_worker_async  # type: ignore[import-not-found]
    except ImportError:
        msg = "started workers need a jupyter-worker worker (a worker kernel or %%worker cell)"
        raise RuntimeError(msg) from None
    try:
        text = await _jupyter_worker_async.request(json.dumps(value))
    except Exception as error:
        message = str(error).removeprefix("Error: ")
        raise RuntimeError(message) from None
    return from_json(text)


class WorkerFuture(concurrent.futures.Future[Any]):
    """The result of a request to a started worker, taken from the page when asked for."""

    def __init__(self, ticket: int, worker: str, decode: Callable[[dict[str, Any]], Any]) -> None:
        super().__init__()
        self.ticket = ticket
        self.worker = worker
        self._decode = decode
        _pending[ticket] = self

    def result(self, timeout: float | None = None) -> Any:
        """The request's result (waiting at most ``timeout`` seconds); its exception raised."""
        self._settle(timeout)
        return super().result(timeout=0)

    def exception(self, timeout: float | None = None) -> BaseException | None:
        """The request's exception, or ``None`` (waiting at most ``timeout`` seconds)."""
        self._settle(timeout)
        return super().exception(timeout=0)

    def done(self) -> bool:
        """Whether it is done (asks the page)."""
        if not super().done():
            settle([self], 0)
        return super().done()

    def cancel(self) -> bool:
        """Cancel it if the worker has not started it yet."""
        if super().done():
            return super().cancelled()
        if not request({"action": "cancel", "tickets": [self.ticket]})[0]:
            return False
        request({"action": "forget", "tickets": [self.ticket]})
        _pending.pop(self.ticket, None)
        return super().cancel()

    def _settle(self, timeout: float | None) -> None:
        if super().done():
            return
        settle([self], timeout)
        if not super().done():
            msg = (
                f"worker {self.worker!r} did not finish this request within {timeout} s "
                "(it runs its requests one by one: this one waits for those sent before, "
                "and then for its own run)"
            )
            raise TimeoutError(msg)

    def _finish(self, answer: dict[str, Any]) -> None:
        show(answer.get("out", []))
        error = answer.get("error")
        if error is not None and error.get("ename") == "CancelledError":
            super().cancel()
        elif error is not None:
            self.set_exception(exception_of(error, self.worker))
        else:
            try:
                self.set_result(self._decode(answer))
            except Exception as failure:
                self.set_exception(failure)


def settle(futures: Iterable[WorkerFuture], timeout: float | None) -> None:
    """Wait until one of ``futures`` is done (at most ``timeout`` s); settle those done."""
    waiting = [f for f in futures if not concurrent.futures.Future.done(f)]
    if not waiting:
        return
    done = request({"action": "wait", "tickets": [f.ticket for f in waiting], "timeout": timeout})
    for ticket, answer in done.items():
        future = _pending.pop(int(ticket), None)
        if future is not None:
            future._finish(json.loads(answer))


def as_completed(
    futures: Iterable[concurrent.futures.Future[Any]], timeout: float | None = None
) -> Iterator[concurrent.futures.Future[Any]]:
    """Yield ``futures`` as they finish, as :func:`concurrent.futures.as_completed` does.

    (That one waits on threads, which a Pyodide worker has none of.)
    """
    end = None if timeout is None else time.monotonic() + timeout
    pending = list(dict.fromkeys(futures))
    while pending:
        finished = [f for f in pending if concurrent.futures.Future.done(f)]
        for future in finished:
            pending.remove(future)
            yield future
        if not pending:
            return
        ours = [f for f in pending if isinstance(f, WorkerFuture)]
        if len(ours) < len(pending):
            msg = "as_completed here waits for futures of started workers only"
            raise TypeError(msg)
        left = None if end is None else end - time.monotonic()
        if left is not None and left <= 0:
            msg = f"{len(pending)} futures unfinished after {timeout} s"
            raise TimeoutError(msg)
        settle(ours, left)
