"""Python proxies of page objects.

A :class:`JsRef` stands for one page object (by heap id). What Pyodide's
``JsProxy`` would find out by probing (callable? array-like? iterable?
which methods?) arrives with the reference, so no extra round trips are
needed: ``document.getElementById("x")`` is one request (``call``), not a
``get`` followed by an ``apply``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from ..protocol import F_ARRAYLIKE, F_BUFFER, F_CALLABLE, F_NODE

if TYPE_CHECKING:
    from ..protocol import Request


class Queue(Protocol):
    """What a method call asks of a running batch (``batching.Batch``)."""

    def queue(self, op: str, ref_id: int, key: str | int | None, payload: Any) -> Any:
        """Queue a request; return the stand-in of its result (or None)."""


class Session(Protocol):
    """What proxies and the codec ask of the connection (``connection.Session``)."""

    @property
    def batch(self) -> Queue | None:
        """The running ``with batch()`` blocks' queue, if any."""

    def request(self, message: Request, *, value: Any = None, args: Any = None) -> Any:
        """Send one request; return the decoded answer or raise ``JsError``."""

    def call(self, ref_id: int, key: str, args: Sequence[Any]) -> Any:
        """``page_object[key](*args)``, ``this`` kept: one request."""

    def call_each(self, ref_id: int, key: str, rows: Iterable[Sequence[Any]]) -> None:
        """``page_object[key](*row)`` for each row, in one request."""

    def set(self, ref_id: int, key: str | int, value: Any) -> None:
        """``page_object[key] = value``: one request."""

    def get(self, ref_id: int, key: str | int) -> Any:
        """``page_object[key]``: one request."""

    def proxy(self, wire: dict[str, Any]) -> JsRef:
        """The one proxy of a referenced page object."""

    def forget(self, ref_id: int) -> None:
        """Queue the release of a page object whose proxy is being collected."""

    def callback_wire(self, callback: Callback) -> dict[str, Any]:
        """The wire form of a Python callable."""

    def element_bundle(self, element: JsRef) -> dict[str, Any]:
        """A display bundle that shows the live ``element``."""


_OWN = frozenset({"_id", "_flags", "_ctor", "_methods", "_session", "__weakref__"})


class JsRef:
    """A page object, reached synchronously from worker Python.

    Attribute access, item access, calls, ``len``, ``in`` and iteration each
    become one request to the page. Two proxies of the same page object are
    the same Python object.
    """

    __slots__ = ("__weakref__", "_ctor", "_flags", "_id", "_methods", "_session")
    _ctor: str
    _flags: int
    _id: int
    _methods: frozenset[str]
    _session: Session

    def __init__(
        self, session: Session, ref_id: int, flags: int, ctor: str, methods: frozenset[str]
    ) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_id", ref_id)
        object.__setattr__(self, "_flags", flags)
        object.__setattr__(self, "_ctor", ctor)
        object.__setattr__(self, "_methods", methods)

    def __del__(self) -> None:
        # a half-built proxy has no session; at interpreter shutdown nothing matters
        with contextlib.suppress(AttributeError):
            self._session.forget(self._id)

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        if name in _OWN:  # an unset slot: never ask the page
            raise AttributeError(name)
        if name in self._methods:
            return JsMethod(self, name)
        if name[:2] == "__" and name[-2:] == "__":
            raise AttributeError(name)
        value = self._session.get(self._id, name)
        if isinstance(value, JsRef) and value._flags & F_CALLABLE:
            # a function found on the object: calling it keeps `this`, as in JS
            return JsMethod(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        if name in _OWN:
            msg = f"{name} is read-only"
            raise AttributeError(msg)
        self._session.set(self._id, name, value)

    def __delattr__(self, name: str) -> None:
        self._session.request({"op": "del", "id": self._id, "key": name})

    def __getitem__(self, key: str | int) -> Any:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        return self._session.get(self._id, key)

    def __setitem__(self, key: str | int, value: Any) -> None:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        self._session.set(self._id, key, value)

    def __delitem__(self, key: str | int) -> None:
        self._session.request({"op": "del", "id": self._id, "key": key})

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the page function (``this`` is undefined); kwargs become a last object."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        return self._session.request({"op": "apply", "id": self._id}, args=_args(args, kwargs))

    def new(self, *args: Any, **kwargs: Any) -> Any:
        """Construct: ``window.Event.new("click")`` is ``new Event("click")``."""
        return self._session.request({"op": "new", "id": self._id}, args=_args(args, kwargs))

    def __len__(self) -> int:
        return int(self._session.request({"op": "len", "id": self._id}))

    def __iter__(self) -> Iterator[Any]:
        return iter(self._session.request({"op": "iter", "id": self._id}))

    def __contains__(self, item: Any) -> bool:
        return bool(self._session.request({"op": "has", "id": self._id}, value=item))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JsRef):
            return NotImplemented  # (a batch's stand-in compares as what it became)
        return other._id == self._id

    def __hash__(self) -> int:
        return hash(("JsRef", self._id))

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:
        return str(self._session.request({"op": "str", "id": self._id}))

    def __repr__(self) -> str:
        return f"<JsRef {self._ctor} #{self._id}>"

    def __dir__(self) -> list[str]:
        keys: list[str] = self._session.request({"op": "keys", "id": self._id})
        return sorted({*keys, *self._methods, "new", "to_bytes", "to_py"})

    @property
    def js_type(self) -> str:
        """The page object's constructor name (no round trip)."""
        return self._ctor

    @property
    def callable(self) -> bool:
        """Whether the page object is a function (no round trip)."""
        return bool(self._flags & F_CALLABLE)

    @property
    def array_like(self) -> bool:
        """Whether the page object has a numeric ``length`` (no round trip)."""
        return bool(self._flags & F_ARRAYLIKE)

    def to_bytes(self) -> bytes:
        """Copy a typed array or ArrayBuffer's bytes (one round trip)."""
        if not self._flags & F_BUFFER:
            msg = f"{self._ctor} is not a typed array or ArrayBuffer"
            raise TypeError(msg)
        return bytes(self._session.request({"op": "bytes", "id": self._id}))

    def to_py(self) -> Any:
        """Copy the value into Python: bytes for buffers, list for array-likes."""
        if self._flags & F_BUFFER:
            return self.to_bytes()
        if self._flags & F_ARRAYLIKE:
            return list(self)
        msg = f"to_py() copies buffers and array-likes, not {self._ctor}"
        raise TypeError(msg)

    def _repr_mimebundle_(
        self,
        include: Any = None,  # noqa: ARG002 - IPython's signature
        exclude: Any = None,  # noqa: ARG002
    ) -> dict[str, Any]:
        if self._flags & F_NODE and "Element" in self._ctor:
            return self._session.element_bundle(self)
        return {"text/plain": repr(self)}


class JsMethod:
    """A method of a page object, bound lazily: calling it is one ``call`` request."""

    __slots__ = ("_function", "_name", "_target")

    def __init__(self, target: JsRef, name: str, function: JsRef | None = None) -> None:
        self._target = target
        self._name = name
        self._function = function

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the method on its object: one ``call`` request."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        target = self._target
        session = target._session
        queue = session.batch
        if queue is not None and not kwargs and _PLAIN_TYPES(map(type, args)):
            # the hot path of a batched loop: the arguments as they came, queued
            return queue.queue("call", target._id, self._name, args)
        return session.call(target._id, self._name, [*args, kwargs] if kwargs else args)

    def each(self, rows: Iterable[Sequence[Any]]) -> None:
        """Call the method once per row of arguments, all in one request.

        ``ctx.fillRect.each([(0, 0, 1, 1), (2, 2, 1, 1)])``; the results are
        dropped. Rows hold numbers, strings, booleans, None and page objects
        (a numpy array's rows too). The page runs them in slices and stays
        responsive; the first row that throws raises ``JsError`` naming it.
        """
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        target = self._target
        target._session.call_each(target._id, self._name, rows)

    def new(self, *args: Any, **kwargs: Any) -> Any:
        """Construct with this property as the constructor (``window.Event.new(...)``)."""
        target = self._target
        return target._session.request(
            {"op": "new", "id": target._id, "key": self._name},
            args=_args(args, kwargs),
        )

    def _resolve(self) -> JsRef:
        if self._function is not None:
            return self._function
        value = self._target._session.get(self._target._id, self._name)
        if not isinstance(value, JsRef):
            msg = f"{self._name} is not an object"
            raise TypeError(msg)
        return value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return getattr(self._resolve(), name)

    def __repr__(self) -> str:
        return f"<JsMethod {self._target.js_type}.{self._name}>"


#: Argument types a batch queues as they are (JSON writes them at the send);
#: others are encoded by the codec when queued.
PLAIN = frozenset({int, float, str, bool, type(None), JsRef})

#: Whether all the types given are :data:`PLAIN` (one pass in C).
_PLAIN_TYPES = PLAIN.issuperset


class Callback:
    """A Python callable as the page sees it, with declarative event options.

    The page calls it asynchronously: the call is queued and runs in the worker
    when it is idle or blocked in a wait. Since it runs late, it cannot cancel
    an event; ``prevent_default`` and ``stop_propagation`` do that on the page
    at once, before queueing.
    """

    __slots__ = ("function", "prevent_default", "stop_propagation")

    def __init__(
        self,
        function: Callable[..., Any],
        *,
        prevent_default: bool = False,
        stop_propagation: bool = False,
    ) -> None:
        self.function = function
        self.prevent_default = prevent_default
        self.stop_propagation = stop_propagation


def _args(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
    # Pyodide's convention: keyword arguments become a trailing object.
    return [*args, kwargs] if kwargs else list(args)


__all__ = ["PLAIN", "Callback", "JsMethod", "JsRef"]
