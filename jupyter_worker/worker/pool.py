"""A pool of started workers with :class:`concurrent.futures.Executor` semantics.

``Pool(n)`` starts ``n`` workers of this page (in parallel); ``submit`` and
``map`` send a function and its arguments to the least busy one. A function
crosses by reference when it lives in an importable module (``math.sqrt``,
``mymodule.f``), else by its source: a top-level ``def`` of a cell, sent with
the modules, functions and simple constants of this interpreter it names.
"""

from __future__ import annotations

import concurrent.futures
import inspect
import textwrap
import types
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from .crossing import to_json
from .futures import WorkerFuture, as_completed, settle
from .spawn import Worker

#: Constants a function's source is sent with, by value.
_SIMPLE = (bool, int, float, complex, str, bytes, type(None))


def _cores() -> int:
    """The browser's logical cores (``navigator.hardwareConcurrency``)."""
    try:
        from js import navigator  # type: ignore[import-not-found]

        return max(1, int(navigator.hardwareConcurrency))
    except (ImportError, AttributeError, TypeError, ValueError):
        return 1


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


def _refuse(fn: Any, why: str) -> TypeError:
    what = getattr(fn, "__qualname__", type(fn).__name__)
    msg = (
        f"Pool cannot send {what} to another worker: {why}; define it with def at the "
        "top level of a cell (its source is sent), or use a function of an importable module"
    )
    return TypeError(msg)


def _source(fn: types.FunctionType, seen: set[str]) -> str:
    """The code that defines ``fn`` in another worker, with what it names."""
    if fn.__name__ == "<lambda>":
        raise _refuse(fn, "a lambda has no source of its own")
    if "<locals>" in fn.__qualname__ or fn.__closure__:
        raise _refuse(fn, "it is defined inside another function")
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        raise _refuse(fn, "its source is not available") from None
    seen.add(fn.__name__)
    lines = []
    for name in sorted(_names(fn.__code__) - seen):
        value = fn.__globals__.get(name, None)
        if name not in fn.__globals__:
            continue
        if isinstance(value, types.ModuleType):
            lines.append(f"import {value.__name__} as {name}")
        elif isinstance(value, types.FunctionType) and value.__module__ == "__main__":
            lines.append(_source(value, seen))
        elif callable(value) and getattr(value, "__module__", "__main__") not in ("__main__", None):
            module, qualname = value.__module__, value.__qualname__
            lines.append(f"from {module} import {qualname.split('.')[0]} as {name}")
        elif isinstance(value, _SIMPLE):
            lines.append(f"{name} = {value!r}")
        seen.add(name)
    return "\n".join([*lines, source])


def shipped(fn: Callable[..., Any]) -> tuple[str, str]:
    """How ``fn`` is called in another worker: the name to call, and code defining it."""
    if not callable(fn):
        msg = f"{type(fn).__name__} object is not callable"
        raise TypeError(msg)
    module = getattr(fn, "__module__", None)
    qualname = getattr(fn, "__qualname__", "")
    if module == "builtins":
        return qualname, ""
    if module not in (None, "__main__") and "<" not in qualname:
        return f"{module}:{qualname}", ""
    if not isinstance(fn, types.FunctionType):
        raise _refuse(fn, "only functions cross")
    return fn.__name__, _source(fn, set())


class Pool(concurrent.futures.Executor):
    """Started workers that run functions in parallel, as a ``concurrent.futures`` executor.

    Parameters
    ----------
    max_workers
        How many workers (default: the browser's logical cores).
    packages
        Packages each installs first (as ``%pip install``).
    name
        Their names' stem (``<name>-1``, ``<name>-2``...).
    """

    def __init__(
        self, max_workers: int | None = None, *, packages: Sequence[str] = (), name: str = "pool"
    ) -> None:
        count = _cores() if max_workers is None else max_workers
        if count < 1:
            msg = f"max_workers must be at least 1, not {count}"
            raise ValueError(msg)
        self._workers = [
            Worker(name=f"{name}-{i + 1}", packages=packages, wait=False) for i in range(count)
        ]
        self._futures: dict[Worker, list[WorkerFuture]] = {w: [] for w in self._workers}
        self._defined: dict[Worker, set[str]] = {w: set() for w in self._workers}
        self._shipped: dict[Callable[..., Any], tuple[str, str]] = {}  # (once per function)
        self._shutdown = False
        try:
            for worker in self._workers:
                worker.started()
        except BaseException:
            self._terminate()
            raise

    @property
    def workers(self) -> list[Worker]:
        """Its workers."""
        return list(self._workers)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> WorkerFuture:
        """Run ``fn(*args, **kwargs)`` in the least busy worker; a future of its result."""
        if self._shutdown:
            msg = "cannot schedule new futures after shutdown"
            raise RuntimeError(msg)
        if fn not in self._shipped:
            self._shipped[fn] = shipped(fn)
        name, setup = self._shipped[fn]
        payload = to_json([list(args), kwargs], f"the arguments of {name}()")
        worker = self._least_busy()
        if setup in self._defined[worker]:
            setup = ""
        future = worker.submit_call(name, payload, setup=setup)
        if setup:
            self._defined[worker].add(setup)
        self._futures[worker].append(future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:  # noqa: FBT001, FBT002 - Executor's signature
        """Stop the workers: after their requests (``wait``), or at once."""
        if self._shutdown:
            return
        self._shutdown = True
        outstanding = [f for futures in self._futures.values() for f in futures]
        if cancel_futures:
            for future in outstanding:
                future.cancel()
        if wait:
            for _ in as_completed(outstanding):
                pass
        self._terminate()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # after an error or an interrupt, stop at once (the running calls end)
        self.shutdown(wait=kind is None, cancel_futures=kind is not None)

    def __repr__(self) -> str:
        state = "shut down" if self._shutdown else "running"
        return f"<Pool of {len(self._workers)} workers ({state})>"

    def _least_busy(self) -> Worker:
        open_futures = [f for futures in self._futures.values() for f in futures]
        if open_futures:
            settle(open_futures, 0)  # learn which are done
        for futures in self._futures.values():
            futures[:] = [f for f in futures if not concurrent.futures.Future.done(f)]
        return min(self._workers, key=lambda worker: len(self._futures[worker]))

    def _terminate(self) -> None:
        self._shutdown = True
        for worker in self._workers:
            worker.terminate()
