"""Python values to the channel's wire format and back (``channel/values.ts``)."""

from __future__ import annotations

import math
from json.encoder import encode_basestring_ascii
from typing import Any

from .batching import is_pending, pending_wire, settled
from .proxy import Callback, JsMethod, JsRef, Session

_MAX_SAFE_INT = 2**53 - 1

try:  # Pyodide's distinct JavaScript null
    from pyodide.ffi import jsnull  # type: ignore[import-not-found]
except ImportError:  # CPython (unit tests)
    jsnull = None


class ClampedBytes:
    """Bytes the page receives as a ``Uint8ClampedArray`` (what ``ImageData`` takes)."""

    __slots__ = ("data",)

    def __init__(self, data: memoryview) -> None:
        self.data = data


def encode(value: Any, session: Session, segments: list[bytes | memoryview]) -> Any:
    """Encode ``value`` for the page; bytes-like values go to ``segments``."""
    if value is None or isinstance(value, str | bool):
        return value
    if jsnull is not None and value is jsnull:
        return {"$null": 1}
    if isinstance(value, int):
        return value if abs(value) <= _MAX_SAFE_INT else {"$bigint": str(value)}
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$num": repr(value).replace("inf", "Infinity")}
    if isinstance(value, JsRef):
        return {"$ref": value._id}
    if isinstance(value, JsMethod):
        return {"$ref": value._resolve()._id}
    if is_pending(value):  # a batched call's result: its batch slot, or what it became
        slot = pending_wire(value)
        return encode(settled(value), session, segments) if slot is None else {"$ref": slot}
    if isinstance(value, bytes | bytearray | memoryview):
        return _binary(memoryview(value).cast("B"), segments, "Uint8Array")
    if isinstance(value, ClampedBytes):
        return _binary(value.data, segments, "Uint8ClampedArray")
    if isinstance(value, list | tuple):
        return [encode(item, session, segments) for item in value]
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                msg = f"dict keys sent to the page must be str, not {type(key).__name__}"
                raise TypeError(msg)
        return {"$obj": {k: encode(v, session, segments) for k, v in value.items()}}
    if isinstance(value, Callback):
        return session.callback_wire(value)
    if callable(value):
        return session.callback_wire(Callback(value))
    try:  # any other buffer (a numpy array): its bytes, as a Uint8Array
        data = memoryview(value)
    except TypeError:
        msg = f"cannot send a {type(value).__name__} to the page"
        raise TypeError(msg) from None
    return encode(data if data.c_contiguous else data.tobytes(), session, segments)


def _binary(data: memoryview, segments: list[bytes | memoryview], js_type: str) -> Any:
    offset = sum((len(s) + 7) & ~7 for s in segments)
    segments.append(data)
    return {"$b": [offset, len(data), js_type]}


def simple_json(value: Any) -> str | None:
    """The JSON text of a str, safe int, finite float, bool, None or proxy.

    ``None`` for any other value (the general encoder's job). Calls with such
    arguments skip building and encoding a message dict: ``json`` takes about
    3 µs a message in Pyodide.
    """
    kind = type(value)
    if kind is str:
        return encode_basestring_ascii(value)
    if kind is int:
        return str(value) if -_MAX_SAFE_INT <= value <= _MAX_SAFE_INT else None
    if kind is JsRef:
        return f'{{"$ref":{value._id}}}'
    if kind is float:
        return repr(value) if math.isfinite(value) else None
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    return None


def decode(wire: Any, session: Session, binary: bytes | None) -> Any:
    """Decode a page value; ``binary`` holds the answer's binary area."""
    if wire is None or not isinstance(wire, dict | list):
        return wire
    if isinstance(wire, list):
        return [decode(item, session, binary) for item in wire]
    if "$ref" in wire:
        return session.proxy(wire)
    if "$null" in wire:
        return jsnull
    if "$b" in wire:
        offset, length, _type = wire["$b"]
        if binary is None:
            msg = "jupyter-worker: binary value without binary data"
            raise RuntimeError(msg)
        return binary[offset : offset + length]
    if "$num" in wire:
        return float(wire["$num"].replace("Infinity", "inf"))
    if "$bigint" in wire:
        return int(wire["$bigint"])
    if "$symbol" in wire:
        return wire["$symbol"]
    if "$obj" in wire:
        return {key: decode(item, session, binary) for key, item in wire["$obj"].items()}
    msg = f"jupyter-worker: unknown value from the page: {wire!r}"
    raise RuntimeError(msg)
