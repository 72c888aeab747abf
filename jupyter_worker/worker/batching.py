"""Page operations sent in one round trip: the queue behind ``with batch():``.

Inside a batch, sets, deletes and calls on page objects are queued instead
of sent. The queue goes to the page in one request when the outermost block
ends, when it holds :data:`MAX_OPS` operations or :data:`MAX_BYTES` of data,
and before anything that needs an answer (reading an attribute, ``len``,
``time.sleep``, ``wait_for``, ``input()``). The page performs the operations
in order and stops at the first that throws; the exception is raised where
the queue is sent, naming the operation and the line that queued it.

A call's result is a :class:`JsPending` stand-in. Sets, calls and attribute
chains on it join the batch (``el = document.createElement("p");
el.style.color = "red"`` is queued); anything that reads it (``str``, ``==``,
arithmetic, ``len``, an attribute read by Python) sends the batch first and
then acts on the real value, which :func:`settled` returns.
"""

from __future__ import annotations

import dis
import itertools
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import CodeType
from typing import TYPE_CHECKING, Any, Protocol

from .errors import JsError
from .proxy import JsRef, _args

if TYPE_CHECKING:
    from ..protocol import Request

#: A batch is sent once it holds this many operations...
MAX_OPS = 10_000

#: ...or this many bytes of binary data and strings set.
MAX_BYTES = 16 * 2**20

#: Operations a batch queues; every other request sends the batch first.
BATCHED_OPS = frozenset({"set", "del", "call", "apply", "new"})

#: Characters of arguments an error message shows.
_ARGS_SHOWN = 60

_getframe = sys._getframe

#: Source files whose frames are not the user's (skipped to find the line that queued).
_INTERNAL = frozenset(
    str(Path(__file__).with_name(name))
    for name in ("batches.py", "batching.py", "connection.py", "proxy.py")
)


#: Per code object (by id, kept alive): the calls whose result the next instruction
#: drops (``POP_TOP``), by offset, with the attribute names they call
#: (``ctx.fillRect(...)`` as a statement): a method queued there needs no stand-in.
_DROPPED: dict[int, tuple[CodeType, dict[int, frozenset[str]]]] = {}

#: Code objects :data:`_DROPPED` holds at most (cells come and go).
_DROPPED_KEPT = 256

_CALLS = frozenset({"CALL", "CALL_KW", "CALL_FUNCTION_EX"})
_LOAD_METHODS = frozenset({"LOAD_ATTR", "LOAD_METHOD"})


def _dropped_results(code: CodeType) -> dict[int, frozenset[str]]:
    """Where ``code`` calls ``something.name(...)`` as a statement, dropping the result.

    The attribute loads that begin where the call begins are its callee's
    (``ctx.fillRect`` of ``ctx.fillRect(...)``); a call whose callee is
    anything else (``sum(map(ctx.measureText, words))``, where C code uses
    the results) is not listed.
    """
    known = _DROPPED.get(id(code))
    if known is not None:
        return known[1]
    instructions = list(dis.get_instructions(code))
    loads: dict[tuple[int, int], set[str]] = {}
    for instruction in instructions:
        start = instruction.positions
        if instruction.opname in _LOAD_METHODS and start and start.lineno is not None:
            loads.setdefault((start.lineno, start.col_offset or 0), set()).add(instruction.argval)
    dropped: dict[int, frozenset[str]] = {}
    for call, after in itertools.pairwise(instructions):
        start = call.positions
        if call.opname in _CALLS and after.opname == "POP_TOP" and start and start.lineno:
            names = loads.get((start.lineno, start.col_offset or 0))
            if names:
                dropped[call.offset] = frozenset(names)
    if len(_DROPPED) >= _DROPPED_KEPT:
        _DROPPED.clear()
    _DROPPED[id(code)] = (code, dropped)
    return dropped


def _line(code: CodeType, offset: int) -> int | None:
    """The source line of the instruction at ``offset`` in ``code``."""
    for start, end, line in code.co_lines():
        if start <= offset < end:
            return line
    return None


class BatchSession(Protocol):
    """What a batch asks of the connection (``connection.Session``)."""

    batch: Batch | None

    def request(self, message: Request, *, value: Any = None, args: Any = None) -> Any:
        """Send (or queue) one request."""

    def call(self, ref_id: int, key: str, args: Sequence[Any]) -> Any:
        """``page_object[key](*args)`` (queued in a batch)."""

    def set(self, ref_id: int, key: str | int, value: Any) -> None:
        """``page_object[key] = value`` (queued in a batch)."""

    def send_batch(self, text: str, segments: list[bytes | memoryview]) -> Any:
        """Send a ``batch`` request; return its decoded answer."""

    def describe(self, ref_id: int) -> str:
        """The constructor name of a page object, for messages."""


class _Outcome:
    """What became of one sent batch; shared by its stand-ins."""

    __slots__ = ("error", "failed_at", "session", "values")

    def __init__(self, session: BatchSession) -> None:
        self.session = session
        self.values: dict[int, Any] | None = None
        self.error: BaseException | None = None
        #: operations from this index on did not run
        self.failed_at = sys.maxsize

    def fail(self, index: int, error: BaseException) -> None:
        self.values = self.values or {}
        self.failed_at = index
        self.error = error


class Batch:
    """The operations queued in the running ``with batch()`` blocks.

    Parameters
    ----------
    session
        The connection that sends the batch.
    """

    def __init__(self, session: BatchSession) -> None:
        self._session = session
        #: nesting of ``with batch()`` blocks (made by the outermost); it sends at its end
        self.depth = 1
        #: the queued requests, compact: ``(op, id, key, args or value)``
        self.ops: list[tuple[str, int, str | int | None, Any]] = []
        #: binary data of the queued requests (one list: offsets run across requests)
        self.segments: list[bytes | memoryview] = []
        #: bytes of binary data and strings set queued (against ``MAX_BYTES``)
        self.size = 0
        #: where each queued request was made: (code, offset of the instruction)
        self._sources: list[tuple[CodeType, int]] = []
        self._outcome = _Outcome(session)

    def queue(
        self, op: str, ref_id: int, key: str | int | None, payload: Any, *, result: bool = True
    ) -> JsPending | None:
        """Queue a request; return the stand-in of its result (or None).

        ``payload`` (call arguments or the value set) holds plain values
        (:data:`~.proxy.PLAIN`, lists of them) or values the codec encoded already.
        """
        frame = _getframe(2)
        code = frame.f_code
        while code.co_filename in _INTERNAL and frame.f_back is not None:
            frame = frame.f_back
            code = frame.f_code
        at = frame.f_lasti
        ops = self.ops
        index = len(ops)
        ops.append((op, ref_id, key, payload))
        self._sources.append((code, at))
        pending = None
        known = _DROPPED.get(id(code))  # (inline: a Python call costs 0.25 µs in Pyodide)
        dropped = known[1] if known is not None else _dropped_results(code)
        if result and (op == "get" or key not in dropped.get(at, ())):
            # a stand-in, without `__init__`: this is the hot path of a batched loop
            pending = _new_pending(JsPending)
            _set_outcome(pending, self._outcome)
            _set_index(pending, index)
        if index + 1 >= MAX_OPS or self.size >= MAX_BYTES:
            self.flush()
        return pending

    def add_get(self, ref_id: int, key: str | int) -> JsPending:
        """Queue ``page_object[key]`` (a member of a stand-in, not read yet)."""
        pending = self.queue("get", ref_id, key, None)
        assert pending is not None
        return pending

    def flush(self) -> None:
        """Send the queued operations in one request; raise the page's first error."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        if not self.ops:
            return
        ops, self.ops = self.ops, []
        segments, self.segments = self.segments, []
        sources, self._sources = self._sources, []
        outcome, self._outcome = self._outcome, _Outcome(self._session)
        self.size = 0
        try:
            answer = self._session.send_batch(
                f'{{"op":"batch","ops":{encode_plain(ops)}}}', segments
            )
        except BaseException as error:
            outcome.fail(0, error)
            raise
        outcome.values = dict(answer["r"])
        failed = answer.get("e")
        if failed is not None:
            at: int = answer["at"]
            code, offset = sources[at]
            where = (
                f"{self._describe(ops[at])}, queued at line {_line(code, offset)}"
                f" of {code.co_filename}"
            )
            later = len(ops) - at - 1
            if later:
                where += f"; the batch's {later} later operation(s) did not run"
            page_error = JsError(failed["name"], f"{failed['message']} (in batch: {where})")
            page_error.stack = failed.get("stack", "")
            outcome.fail(at, page_error)
            raise page_error

    def drop(self, reason: BaseException) -> None:
        """Forget the queued operations (an interrupt): their stand-ins raise ``reason``."""
        self.ops, self.segments, self._sources = [], [], []
        self.size = 0
        self._outcome.fail(0, reason)
        self._outcome = _Outcome(self._session)

    def _describe(self, queued: tuple[str, int, str | int | None, Any]) -> str:
        op, ref_id, key, payload = queued
        target = self._target(ref_id)
        if op == "set":
            return f"{target}.{key} = {_shown(payload)}"
        if op == "del":
            return f"del {target}.{key}"
        if op == "get":
            return f"{target}.{key}"
        args = ", ".join(_shown(arg) for arg in payload)
        if len(args) > _ARGS_SHOWN:
            args = args[: _ARGS_SHOWN - 3] + "..."
        if op == "call":
            return f"{target}.{key}({args})"
        if op == "new":
            return f"new {target}{'' if key is None else '.' + str(key)}({args})"
        return f"{target}({args})"

    def _target(self, ref_id: int) -> str:
        if ref_id < 0:
            return f"<result of batched operation {-ref_id}>"
        return self._session.describe(ref_id)


def _shown(value: Any) -> str:
    return encode_plain(value) if not isinstance(value, JsRef) else f"<{value.js_type}>"


def _wire_default(value: Any) -> Any:
    """What the JSON encoder cannot write itself: page proxies, sent stand-ins."""
    if isinstance(value, JsRef):
        return {"$ref": value._id}
    if isinstance(value, JsPending | _PendingMember):  # (in `each` rows: sent by then)
        return _settle(value)
    msg = f"cannot send a {type(value).__name__} to the page"
    raise TypeError(msg)


_encode_fast = json.JSONEncoder(
    separators=(",", ":"), allow_nan=False, check_circular=False, default=_wire_default
).encode

#: JSON text with each digit made "9", "[" made "," and "-" deleted (``bytes.translate``):
#: a number of 16 digits or more (maybe beyond JavaScript's safe integers) then holds
#: :data:`_LONG_NUMBER`. Ten times faster than a regular expression over the text.
_DIGITS = bytes.maketrans(b"0123456789[", b"9999999999,")
_LONG_NUMBER = b"," + b"9" * 16

_MAX_SAFE_INT = 2**53 - 1


def encode_plain(value: Any) -> str:
    """The JSON of plain values (queued requests, rows), in one C encoder pass where it can.

    Page proxies become references; numbers JSON cannot carry (``inf``,
    ``nan``, integers past 2**53) are written as the codec writes them
    (``$num``, ``$bigint``) on a second pass. Dicts are written as they are:
    the codec's own values, or (in ``JsMethod.each`` rows) what the page
    refuses, naming the row.
    """
    try:
        text = _encode_fast(value)
    except ValueError:  # a float JSON has no literal for
        return _encode_fast(_exact_numbers(value))
    if _LONG_NUMBER in text.encode().translate(_DIGITS, b"-"):
        return _encode_fast(_exact_numbers(value))
    return text


def _exact_numbers(value: Any) -> Any:
    kind = type(value)
    if kind is float and not math.isfinite(value):
        return {"$num": repr(value).replace("inf", "Infinity")}
    if kind is int and abs(value) > _MAX_SAFE_INT:
        return {"$bigint": str(value)}
    if kind is list or kind is tuple:
        return [_exact_numbers(item) for item in value]
    if kind is dict:
        return {key: _exact_numbers(item) for key, item in value.items()}
    return value


class JsPending:
    """The result of a page call made in a batch, before (and after) the batch is sent.

    Sets, calls and member chains on it are queued with the batch; any other
    use sends the batch and acts on the real value (see :func:`settled`).
    """

    __slots__ = ("_index", "_outcome")
    _index: int
    _outcome: _Outcome

    @property
    def _session(self) -> BatchSession:
        return self._outcome.session

    @property
    def _queued(self) -> bool:
        return self._outcome.values is None

    @property
    def _id(self) -> int:
        """The id the page knows it by: its slot in the batch, then its heap id."""
        if self._queued:
            return -(self._index + 1)
        value = _settle(self)
        ref_id = getattr(value, "_id", None)
        if not isinstance(ref_id, int):
            msg = f"the batched call returned {value!r}, not a page object"
            raise TypeError(msg)
        return ref_id

    def _settled(self) -> Any:
        outcome = self._outcome
        if outcome.values is None:  # still queued: send the batch
            batch = self._session.batch
            if batch is not None:
                batch.flush()
        if self._index >= outcome.failed_at:
            msg = f"batched operation {self._index + 1} did not run: {outcome.error}"
            raise RuntimeError(msg) from outcome.error
        assert outcome.values is not None
        return outcome.values.get(self._index)

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_" or not self._queued:
            return getattr(self._settled(), name)
        return _PendingMember(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._queued:
            self._session.set(self._id, name, value)
        else:
            setattr(self._settled(), name, value)

    def __delattr__(self, name: str) -> None:
        if self._queued:
            self._session.request({"op": "del", "id": self._id, "key": name})
        else:
            delattr(self._settled(), name)

    def __setitem__(self, key: str | int, value: Any) -> None:
        if self._queued:
            self._session.set(self._id, key, value)
        else:
            self._settled()[key] = value

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the result (queued while the batch is)."""
        if self._queued:
            return self._session.request({"op": "apply", "id": self._id}, args=_args(args, kwargs))
        return self._settled()(*args, **kwargs)

    def new(self, *args: Any, **kwargs: Any) -> Any:
        """Construct with the result as the constructor (queued in the batch)."""
        if self._queued:
            return self._session.request({"op": "new", "id": self._id}, args=_args(args, kwargs))
        return self._settled().new(*args, **kwargs)

    def __repr__(self) -> str:
        if self._queued:
            return f"<JsPending: result of batched operation {self._index + 1}, not sent yet>"
        return repr(self._settled())


_new_pending = object.__new__
_set_outcome = JsPending.__dict__["_outcome"].__set__
_set_index = JsPending.__dict__["_index"].__set__


class _PendingMember:
    """``stand_in.name`` before the batch is sent: a method to call, or a member to go on from."""

    __slots__ = ("_name", "_owner")
    _name: str
    _owner: JsPending

    def __init__(self, owner: JsPending, name: str) -> None:
        object.__setattr__(self, "_owner", owner)
        object.__setattr__(self, "_name", name)

    @property
    def _queued(self) -> bool:
        return self._owner._queued

    def _member(self) -> JsPending:
        """``owner[name]`` as a queued get (for chains: ``el.style.color = ...``)."""
        batch = self._owner._session.batch
        assert batch is not None
        return batch.add_get(self._owner._id, self._name)

    def _settled(self) -> Any:
        return getattr(self._owner._settled(), self._name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._queued:  # a method call: `this` is the owner
            return self._owner._session.call(self._owner._id, self._name, _args(args, kwargs))
        return self._settled()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name[:1] == "_" or not self._queued:
            return getattr(self._settled(), name)
        return getattr(self._member(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        if self._queued:
            setattr(self._member(), name, value)
        else:
            setattr(self._settled(), name, value)

    def __setitem__(self, key: str | int, value: Any) -> None:
        if self._queued:
            self._member()[key] = value
        else:
            self._settled()[key] = value

    def __repr__(self) -> str:
        if self._queued:
            return f"<JsPending: .{self._name} of {self._owner!r}>"
        return repr(self._settled())


def _forward(name: str) -> Callable[..., Any]:
    def method(self: JsPending | _PendingMember, *args: Any) -> Any:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        return getattr(_settle(self), name)(*(_settle(arg) for arg in args))

    method.__name__ = name
    return method


#: Reading a stand-in in any of these ways sends its batch and reads the real value.
_READS = (
    "__str__", "__format__", "__bytes__", "__bool__", "__int__", "__float__", "__index__",
    "__complex__", "__hash__", "__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__",
    "__len__", "__iter__", "__contains__", "__getitem__", "__delitem__", "__add__", "__radd__",
    "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__", "__floordiv__",
    "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__", "__neg__", "__pos__",
    "__abs__", "__and__", "__rand__", "__or__", "__ror__", "__xor__", "__rxor__", "__round__",
)  # fmt: skip

for _name in _READS:
    for _cls in (JsPending, _PendingMember):
        if _name not in _cls.__dict__:
            setattr(_cls, _name, _forward(_name))
del _name, _cls


def _settle(value: Any) -> Any:
    while isinstance(value, JsPending | _PendingMember):
        value = value._settled()
    return value


def settled(value: Any) -> Any:
    """The real value behind a batched call's stand-in (sends the batch if needed).

    Any other value is returned as it is.
    """
    __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
    return _settle(value)


def is_pending(value: Any) -> bool:
    """Whether ``value`` is a batched call's stand-in (for the codec)."""
    return isinstance(value, JsPending | _PendingMember)


def pending_wire(value: JsPending | _PendingMember) -> int | None:
    """The page id of a stand-in still queued (its batch slot), else None."""
    if isinstance(value, _PendingMember):
        return value._member()._id if value._queued else None
    return value._id if value._queued else None
