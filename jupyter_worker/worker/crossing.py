"""What crosses between workers started from Python: values as JSON, exceptions by type.

Values are JSON (numbers, strings, booleans, ``None``, lists, dicts with
string keys) plus ``bytes`` (as base64, arriving as ``bytes``); tuples arrive
as lists. Anything else is refused before it is sent, naming its type.
"""

from __future__ import annotations

import ast
import base64
import builtins
import contextlib
import json
import re
import sys
import traceback
from typing import Any, NoReturn

from .interrupts import visible_frames

#: The key of a JSON object that stands for bytes (its value: base64).
BYTES_KEY = "__jupyter_worker_bytes__"

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


def _encode_extra(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {BYTES_KEY: base64.b64encode(bytes(value)).decode("ascii")}
    msg = f"Object of type {type(value).__name__} is not JSON serializable"
    raise TypeError(msg)


def _decode_extra(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and BYTES_KEY in obj:
        return base64.b64decode(obj[BYTES_KEY])
    return obj


def to_json(value: Any, what: str) -> str:
    """``value`` as JSON text for another worker; a ``TypeError`` naming ``what`` if it cannot."""
    try:
        return json.dumps(value, allow_nan=False, default=_encode_extra)
    except (TypeError, ValueError) as error:
        msg = f"{what} cannot cross to another worker: {error} (values cross as JSON, or bytes)"
        raise TypeError(msg) from None


def from_json(text: str) -> Any:
    """A value :func:`to_json` wrote."""
    return json.loads(text, object_hook=_decode_extra)


def exception_of(error: dict[str, Any], worker: str) -> BaseException:
    """What the worker raised: its type when Python has it, with its traceback as a note."""
    ename, evalue = str(error.get("ename", "Error")), str(error.get("evalue", ""))
    kind = getattr(builtins, ename, None)
    exception: BaseException
    if ename in ("WorkerCrashed", "WorkerError"):
        exception = (
            WorkerCrashed(ename, evalue) if ename == "WorkerCrashed" else WorkerError(ename, evalue)
        )
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
    return exception


def error_of(error: BaseException) -> dict[str, Any]:
    """``error`` as :func:`exception_of` reads it: type, message, plain traceback.

    The traceback leaves out the frames that set ``__tracebackhide__`` (the
    machinery that ran the code), as IPython does.
    """
    tb = visible_frames(error.__traceback__)
    trace = "".join(traceback.format_exception(type(error), error, tb)).rstrip("\n")
    return {"ename": type(error).__name__, "evalue": str(error), "traceback": [trace]}


def raise_error(error: dict[str, Any], worker: str) -> NoReturn:
    """Raise :func:`exception_of` ``error``."""
    raise exception_of(error, worker)


def show(out: list[list[str]]) -> None:
    """Print what the worker printed, in order, on this cell's stdout / stderr."""
    for name, text in out:
        (sys.stderr if name == "stderr" else sys.stdout).write(text)
