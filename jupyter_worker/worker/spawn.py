"""Workers started from worker Python: :class:`Worker` (the parent's end) and ``sync``.

A :class:`Worker` is another Pyodide worker of this page, with a worker
kernel of its own (as a ``%%worker`` cell's), started and driven through the
page (``op: "workers"``; ``labextension/src/spawn/host.ts``). Each blocking
method is one request that waits on the page: the parent's callbacks, its
``sync`` functions included, run during that wait. ``submit`` answers at once
with a :class:`~.futures.WorkerFuture`. Values cross as JSON (``crossing``).

Inside a started worker, ``from jupyter_worker import sync`` reaches the
functions the parent set on ``Worker.sync``: ``sync.progress(3)`` runs the
parent's function and returns its result, synchronously.
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import importlib
import inspect
import io
import json
import linecache
import sys
import zlib
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from .connection import isolated, output_to
from .crossing import error_of, from_json, raise_error, show, to_json
from .errors import IsolationError
from .futures import ASYNC_HINT, WorkerFuture, arequest, calling_cells, request
from .interrupts import cell_ends, cell_starts


class _SyncTable:
    """``worker.sync``: functions of this interpreter that the worker may call."""

    def __init__(self, worker: Worker) -> None:
        object.__setattr__(self, "_worker", worker)

    def __setattr__(self, name: str, fn: Any) -> None:
        if not callable(fn):
            msg = f"sync.{name} must be callable, not {type(fn).__name__}"
            raise TypeError(msg)
        worker: Worker = object.__getattribute__(self, "_worker")

        def serve(payload: str) -> str:
            args = from_json(payload)
            # what it prints goes to the cell that waits for the worker, if one does
            with output_to(calling_cells[-1] if calling_cells else None):
                value = fn(*args)
            return to_json(value, f"the result of sync.{name}")

        worker._ask({"action": "set_sync", "name": name, "fn": serve})


def _value(answer: dict[str, Any]) -> Any:
    return from_json(answer["value"]) if "value" in answer else None


def _nothing(answer: dict[str, Any]) -> None:  # noqa: ARG001 - a decoder that keeps nothing
    return None


class Worker:
    """Another Pyodide worker of this page, driven from this one.

    Synchronously on an isolated page (``exec``, ``call``, ``submit``); the
    ``a``-forms (``await w.acall(...)``) work on any page.

    Parameters
    ----------
    source
        Code to run there first, or the path of a ``.py`` file (read here).
    name
        Its name (default: one the page makes up).
    packages
        Packages to install there first (as ``%pip install``).
    wait
        Wait until it has started (default). With ``False`` it starts in the
        background; requests queue behind its start, and :meth:`started`
        waits for it (a :class:`~.pool.Pool` starts its workers so).
    """

    def __init__(
        self,
        source: str | None = None,
        *,
        name: str | None = None,
        packages: Sequence[str] = (),
        wait: bool = True,
    ) -> None:
        if source is not None and source.endswith(".py") and "\n" not in source:
            source = Path(source).read_text(encoding="utf-8")
        start = {"action": "start", "name": name, "packages": list(packages), "detach": True}
        self._stopped = False
        self.sync = _SyncTable(self)
        if not isolated():
            # (asynchronous forms only: the start runs until the first await)
            self._id = -1
            self.name = name or "worker"
            self._start: WorkerFuture | None = None
            self._starting = asyncio.ensure_future(self._astart(start, source))
            return
        started = request(start)
        self._id = started["id"]
        self.name = started["name"]
        self._start = WorkerFuture(started["ticket"], self.name, _nothing)
        if wait:
            self.started()
        if source is not None:
            self.exec(source)

    def started(self, timeout: float | None = None) -> Worker:
        """Wait until it has started (its packages installed); a failed start raises."""
        if self._start is None:
            error = IsolationError()
            error.add_note(ASYNC_HINT)
            raise error
        self._start.result(timeout)
        return self

    async def _astart(self, start: dict[str, Any], source: str | None) -> None:
        started = await arequest(start)
        self._id, self.name = started["id"], started["name"]
        done = await arequest({"action": "wait", "tickets": [started["ticket"]], "timeout": None})
        self._answer(json.loads(done[str(started["ticket"])]))
        if source is not None:
            self._answer(await arequest({"action": "exec", "code": source, "id": self._id}))

    async def aexec(self, code: str) -> None:
        """Run ``code`` in the worker, awaiting it: works without isolation too."""
        self._answer(await self._aask({"action": "exec", "code": code}))

    async def acall(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """``name(*args, **kwargs)`` in the worker, awaited: works without isolation too."""
        payload = to_json([list(args), kwargs], f"the arguments of {name}()")
        answer = await self._aask({"action": "call", "name": name, "args": payload})
        self._answer(answer)
        return _value(answer)

    def exec(self, code: str, *, timeout: float | None = None) -> None:
        """Run ``code`` in the worker's globals; its prints show here.

        ``timeout``: wait at most so many seconds (the worker may be busy with
        earlier requests), then raise ``TimeoutError``.
        """
        if timeout is not None:
            self.submit_exec(code).result(timeout)
            return
        self._answer(self._ask({"action": "exec", "code": code}))

    def call(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        """``name(*args)`` in the worker (its globals, then builtins); the result.

        ``name`` may be ``"module:function"`` (imported there). ``timeout``: as
        for :meth:`exec`.
        """
        if timeout is not None:
            return self.submit(name, *args).result(timeout)
        payload = to_json([list(args), {}], f"the arguments of {name}()")
        answer = self._ask({"action": "call", "name": name, "args": payload})
        self._answer(answer)
        return _value(answer)

    def submit(self, name: str, *args: Any, **kwargs: Any) -> WorkerFuture:
        """Like :meth:`call`, without waiting: a future of its result."""
        payload = to_json([list(args), kwargs], f"the arguments of {name}()")
        return self.submit_call(name, payload)

    def submit_call(self, name: str, payload: str, *, setup: str = "") -> WorkerFuture:
        """Queue a call of ``name`` with ``payload`` (JSON ``[args, kwargs]``); a future.

        ``setup``: code run there first, in its globals (what defines ``name``).
        """
        value = {"action": "call", "name": name, "args": payload, "code": setup, "detach": True}
        return WorkerFuture(self._ask(value)["ticket"], self.name, _value)

    def submit_exec(
        self,
        code: str,
        decode: Callable[[dict[str, Any]], Any] = _nothing,
    ) -> WorkerFuture:
        """Queue ``code``; a future of what ``decode`` makes of its answer."""
        answer = self._ask({"action": "exec", "code": code, "detach": True})
        return WorkerFuture(answer["ticket"], self.name, decode)

    def terminate(self) -> None:
        """Stop the worker (a running call ends with ``WorkerCrashed``)."""
        if self._stopped:
            return
        self._stopped = True
        if self._start is None:  # (not isolated: by message, once it has an id)

            def stop(_: object) -> None:
                if self._id >= 0:
                    self._stopping = asyncio.ensure_future(
                        arequest({"action": "stop", "id": self._id})
                    )

            self._starting.add_done_callback(stop)
            return
        request({"action": "stop", "id": self._id})

    def __enter__(self) -> Worker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.terminate()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "running"
        return f"<Worker {self.name!r} ({state})>"

    def _ask(self, value: dict[str, Any]) -> Any:
        if self._stopped:
            msg = f"worker {self.name!r} was terminated"
            raise RuntimeError(msg)
        return request({**value, "id": self._id})

    async def _aask(self, value: dict[str, Any]) -> Any:
        if self._start is not None:  # (isolated: the start is a ticket)
            self._start.result()
        else:
            await self._starting
        if self._stopped:
            msg = f"worker {self.name!r} was terminated"
            raise RuntimeError(msg)
        return await arequest({**value, "id": self._id})

    def _answer(self, answer: dict[str, Any]) -> None:
        show(answer.get("out", []))
        if "error" in answer:
            raise_error(answer["error"], self.name)


class _Sync:
    """``sync`` in a started worker: the functions its parent set, by name."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args: Any) -> Any:
            payload = to_json(list(args), f"the arguments of sync.{name}()")
            return request({"action": "sync", "name": name, "args": payload})

        return call


#: In a worker started with :class:`Worker`: its parent's ``sync`` functions.
sync = _Sync()


def _namespace() -> dict[str, Any]:
    """The worker's globals: its shell's namespace (or ``__main__``'s)."""
    from IPython import get_ipython

    shell = get_ipython()
    return shell.user_ns if shell is not None else vars(sys.modules["__main__"])


def _lookup(name: str) -> Any:
    """``name`` in the worker's globals (then builtins), or ``module:qualname``."""
    if ":" in name:
        module, _, qualname = name.partition(":")
        found: Any = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
        return found
    namespace = _namespace()
    if name in namespace:
        return namespace[name]
    if hasattr(builtins, name):
        return getattr(builtins, name)
    msg = f"name {name!r} is not defined in this worker"
    raise NameError(msg)


def serve_call(name: str, payload: str, setup: str) -> str | Coroutine[Any, Any, str]:
    """Answer one call of :meth:`Worker.call` in this (started) worker: JSON text.

    The page's host calls it directly, not as a kernel cell: a call costs what
    it does, not a cell's machinery. ``setup`` (code that defines ``name``,
    sent by a :class:`~.pool.Pool`) runs first, in the worker's globals. The
    answer holds what the call printed (``out``), its result as JSON
    (``value``) or its exception (``error``, with this worker's traceback).
    An awaitable result makes the answer a coroutine (the page awaits it).
    Interrupts land in the call as in a cell.
    """
    __tracebackhide__ = True
    answer: dict[str, Any] = {"out": []}
    value: Any = None
    with _serving(answer):
        if setup:
            _define(setup)
        args, kwargs = from_json(payload)
        value = _lookup(name)(*args, **kwargs)
    if "error" not in answer and inspect.isawaitable(value):
        return _awaited(name, value, answer)
    return _answered(name, value, answer)


async def _awaited(name: str, value: Awaitable[Any], answer: dict[str, Any]) -> str:
    __tracebackhide__ = True
    result: Any = None
    with _serving(answer):
        result = await value
    return _answered(name, result, answer)


def _answered(name: str, value: Any, answer: dict[str, Any]) -> str:
    if "error" not in answer:
        try:
            answer["value"] = to_json(value, f"the result of {name}()")
        except TypeError as error:
            answer["error"] = error_of(error)
    return json.dumps(answer)


@contextlib.contextmanager
def _serving(answer: dict[str, Any]) -> Iterator[None]:
    """Run a call's code as a cell's: prints kept in ``answer``, its exception too."""
    __tracebackhide__ = True
    out = answer["out"]
    with (
        contextlib.redirect_stdout(_Kept("stdout", out)),
        contextlib.redirect_stderr(_Kept("stderr", out)),
    ):
        cell_starts()
        try:
            yield
        except BaseException as error:  # every exception crosses to the caller
            answer["error"] = error_of(error)
        finally:
            cell_ends()


class _Kept(io.TextIOBase):
    """A stream that keeps what is written, as ``[name, text]`` runs in ``out``."""

    def __init__(self, name: str, out: list[list[str]]) -> None:
        super().__init__()
        self._name = name
        self._out = out

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if self._out and self._out[-1][0] == self._name:
            self._out[-1][1] += text
        else:
            self._out.append([self._name, text])
        return len(text)


def _define(setup: str) -> None:
    """Run ``setup`` in the worker's globals, its source kept for tracebacks and ``inspect``."""
    filename = f"<sent to this worker {zlib.crc32(setup.encode()):08x}>"
    linecache.cache[filename] = (len(setup), None, setup.splitlines(keepends=True), filename)
    exec(compile(setup, filename, "exec"), _namespace())  # noqa: S102 - the parent's own code
