"""Workers started from worker Python: :class:`Worker` (the parent's end) and ``sync``.

A :class:`Worker` is another Pyodide worker of this page, with a worker
kernel of its own (as a ``%%worker`` cell's), started and driven through the
page (``op: "workers"``; ``labextension/src/spawn/host.ts``). Each of its
methods is one request that waits on the page: the parent's callbacks, its
``sync`` functions included, run during that wait. Values cross as JSON.

Inside a started worker, ``from jupyter_worker import sync`` reaches the
functions the parent set on ``Worker.sync``: ``sync.progress(3)`` runs the
parent's function and returns its result, synchronously.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from ..protocol import VALUE_MIME
from .connection import session

#: IPython's coloured tracebacks, as plain text.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class WorkerError(Exception):
    """An exception of a started worker whose type does not exist here."""

    def __init__(self, ename: str, evalue: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.ename = ename
        self.evalue = evalue


class WorkerCrashed(WorkerError):  # noqa: N818 - the name users meet in both kernels
    """The started worker died (a Pyodide fatal error, the thread gone)."""


def _request(value: dict[str, Any]) -> Any:
    """One request to the page's worker host; its JSON answer, decoded."""
    return json.loads(session().request({"op": "workers"}, value=value))


def _to_json(value: Any, what: str) -> str:
    try:
        return json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        msg = f"{what} cannot cross to another worker: {error} (values cross as JSON)"
        raise TypeError(msg) from None


def _raise(error: dict[str, Any], worker: str) -> NoReturn:
    """Raise what the worker raised: its type when Python has it, with its traceback."""
    ename, evalue = str(error.get("ename", "Error")), str(error.get("evalue", ""))
    kind = getattr(builtins, ename, None)
    exception: BaseException
    if ename == "WorkerCrashed":
        exception = WorkerCrashed(ename, evalue)
    elif isinstance(kind, type) and issubclass(kind, Exception):
        args: tuple[Any, ...] = (evalue,)
        if kind is KeyError:  # (its message is the key's repr)
            with contextlib.suppress(ValueError, SyntaxError):
                args = (ast.literal_eval(evalue),)
        try:
            exception = kind(*args)
        except TypeError:  # (a builtin whose constructor wants more)
            exception = WorkerError(ename, evalue)
    elif ename == "KeyboardInterrupt":
        exception = KeyboardInterrupt(evalue)
    else:
        exception = WorkerError(ename, evalue)
    trace = _ANSI.sub("", "\n".join(error.get("traceback", [])))
    exception.add_note(f"raised in worker {worker!r}:\n{trace}")
    raise exception


def _show(out: list[list[str]]) -> None:
    """Print what the worker printed, in order, on this cell's stdout / stderr."""
    for name, text in out:
        (sys.stderr if name == "stderr" else sys.stdout).write(text)


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
            args = json.loads(payload)
            return _to_json(fn(*args), f"the result of sync.{name}")

        worker._ask({"action": "set_sync", "name": name, "fn": serve})


class Worker:
    """Another Pyodide worker of this page, driven synchronously from this one.

    Parameters
    ----------
    source
        Code to run there first, or the path of a ``.py`` file (read here).
    name
        Its name (default: one the page makes up).
    packages
        Packages to install there first (as ``%pip install``).
    """

    def __init__(
        self, source: str | None = None, *, name: str | None = None, packages: Sequence[str] = ()
    ) -> None:
        started = _request({"action": "start", "name": name, "packages": list(packages)})
        self._id: int = started["id"]
        self.name: str = started["name"]
        self._stopped = False
        self.sync = _SyncTable(self)
        if source is not None:
            if source.endswith(".py") and "\n" not in source:
                source = Path(source).read_text(encoding="utf-8")
            self.exec(source)

    def exec(self, code: str) -> None:
        """Run ``code`` in the worker's globals; its prints show here."""
        self._answer(self._ask({"action": "exec", "code": code}))

    def call(self, name: str, *args: Any) -> Any:
        """``name(*args)`` in the worker (its globals, then builtins); the result."""
        payload = _to_json(list(args), f"the arguments of {name}()")
        answer = self._ask({"action": "call", "name": name, "args": payload})
        self._answer(answer)
        return json.loads(answer["value"])

    def terminate(self) -> None:
        """Stop the worker (a running call ends with ``WorkerCrashed``)."""
        if not self._stopped:
            self._stopped = True
            _request({"action": "stop", "id": self._id})

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
        return _request({**value, "id": self._id})

    def _answer(self, answer: dict[str, Any]) -> None:
        _show(answer.get("out", []))
        if "error" in answer:
            _raise(answer["error"], self.name)


class _Sync:
    """``sync`` in a started worker: the functions its parent set, by name."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args: Any) -> Any:
            payload = _to_json(list(args), f"the arguments of sync.{name}()")
            return _request({"action": "sync", "name": name, "args": payload})

        return call


#: In a worker started with :class:`Worker`: its parent's ``sync`` functions.
sync = _Sync()


def serve_call(name: str, payload: str) -> None:
    """Call ``name(*args)`` of the worker's globals (or builtins); display the JSON result.

    Run by the page in a started worker for :meth:`Worker.call`; the result
    goes back as a display of ``VALUE_MIME`` (as ``%%worker --out`` does).
    """
    from IPython import get_ipython
    from IPython.display import display

    shell = get_ipython()
    namespace = shell.user_ns if shell is not None else vars(sys.modules["__main__"])
    fn = namespace.get(name, getattr(builtins, name, None))
    if fn is None:
        msg = f"name {name!r} is not defined in this worker"
        raise NameError(msg)
    value = fn(*json.loads(payload))
    display({VALUE_MIME: _to_json(value, f"the result of {name}()")}, raw=True)  # type: ignore[no-untyped-call]
