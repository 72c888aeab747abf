"""One worker's connection to the page: requests, proxies, releases, callbacks."""

from __future__ import annotations

import json
import sys
import traceback
import weakref
from collections.abc import Iterable, Sequence
from typing import Any

from ..protocol import (
    ELEMENT_MIME,
    R_INTERRUPT,
    R_OK,
    Bridge,
    CallbackEvent,
    GoneEvent,
    KernelEvent,
    Request,
)
from ..timeouts import checked_timeout
from . import codec
from .batching import BATCHED_OPS, Batch, encode_plain, settled
from .errors import IsolationError, JsError
from .interrupts import (
    install_cell_marks,
    install_input_interrupts,
    install_interrupt_traceback,
    install_sigint_report,
    on_cell_end,
)
from .proxy import PLAIN, Callback, JsRef
from .sleep import install_sleep

#: Released ids are sent in batches of this many (on the next request).
RELEASE_BATCH = 1000

_dumps = json.JSONEncoder(separators=(",", ":")).encode

#: The session keeps the proxies of the last this many page objects received
#: alive, so that reading one again (``document.body`` in a loop) finds its
#: proxy without decoding JSON; ``release()`` lets go of them.
RECENT_PROXIES = 64

_OK = str(R_OK)
_INTERRUPT = str(R_INTERRUPT)


class Session:
    """Requests to the page through the worker's blocking channel.

    Parameters
    ----------
    bridge
        The worker's JavaScript side (``worker/bridge.ts``; see
        :class:`~jupyter_worker.protocol.Bridge`).
    """

    def __init__(self, bridge: Bridge) -> None:
        self._bridge = bridge
        # bound once: each attribute lookup on a JavaScript object costs a call
        self._request = bridge.request
        self._get = bridge.get
        self._none = bridge.none
        self._ref_id = bridge.ref_id
        # weak references by hand: cheaper than WeakValueDictionary + finalize
        self._proxies: dict[int, weakref.ReferenceType[JsRef]] = {}
        self._received: dict[int, int] = {}
        self._released: list[tuple[int, int]] = []
        self._recent: list[JsRef | None] = [None] * RECENT_PROXIES
        self._recent_slot = 0
        self._methods: dict[int, frozenset[str]] = {}
        self._callbacks: dict[int, Callback] = {}
        self._callback_ids: dict[tuple[int, bool, bool], int] = {}
        self._callback_parents: dict[int, Any] = {}
        self._next_callback = 1
        self._roots: dict[str, JsRef] = {}
        #: the operations queued by the running ``with batch()`` blocks
        self.batch: Batch | None = None

    # -- requests -------------------------------------------------------------

    def request(self, message: Request, *, value: Any = None, args: Any = None) -> Any:
        """Send one request; return the decoded answer or raise :class:`JsError`."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        batch = self.batch
        if batch is not None:
            op = message["op"]
            if op in BATCHED_OPS:
                return self._queue(batch, op, message, value, args)
            batch.flush()  # stand-ins are settled before they are encoded
        segments: list[bytes | memoryview] = []
        if args is not None:
            message["args"] = [codec.encode(arg, self, segments) for arg in args]
        if message["op"] in ("set", "has", "cbresult", "workers"):
            message["value"] = codec.encode(value, self, segments)
        return self._send(_dumps(message), segments)

    def _queue(self, batch: Batch, op: str, message: Request, value: Any, args: Any) -> Any:
        """Queue a set, delete or call in ``batch``, its values encoded now."""
        segments = batch.segments
        before = len(segments)
        if op == "set":
            payload = codec.encode(value, self, segments)
        elif op == "del":
            payload = None
        else:
            payload = [codec.encode(arg, self, segments) for arg in args or ()]
        batch.size += sum(len(segment) for segment in segments[before:])
        result = op not in ("set", "del")
        return batch.queue(op, message["id"], message.get("key"), payload, result=result)

    def call(self, ref_id: int, key: str, args: Sequence[Any]) -> Any:
        """``page_object[key](*args)``, ``this`` kept: one request."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        batch = self.batch
        if batch is not None:
            if PLAIN.issuperset(map(type, args)):  # (one pass in C: the hot path of a batch)
                return batch.queue("call", ref_id, key, args)
            return self._queue(batch, "call", {"op": "call", "id": ref_id, "key": key}, None, args)
        parts = []
        for arg in args:
            text = codec.simple_json(arg)
            if text is None:
                return self.request({"op": "call", "id": ref_id, "key": key}, args=args)
            parts.append(text)
        key_text = codec.simple_json(key)
        return self._send(
            f'{{"op":"call","id":{ref_id},"key":{key_text},"args":[{",".join(parts)}]}}'
        )

    def call_each(self, ref_id: int, key: str, rows: Iterable[Sequence[Any]]) -> None:
        """``page_object[key](*row)`` for each row, in one request (``JsMethod.each``)."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        if hasattr(rows, "tolist"):  # a numpy array: its rows as lists
            rows = rows.tolist()
        elif not isinstance(rows, list | tuple):
            rows = list(rows)
        if self.batch is not None:  # what was queued goes first (`_send` would, too late)
            self.batch.flush()
        self._send(
            f'{{"op":"each","id":{ref_id},"key":{codec.simple_json(key)},'
            f'"args":{encode_plain(rows)}}}'
        )

    def set(self, ref_id: int, key: str | int, value: Any) -> None:
        """``page_object[key] = value``: one request."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        batch = self.batch
        if batch is not None:
            if type(value) in PLAIN:
                if type(value) is str:
                    batch.size += len(value)
                batch.queue("set", ref_id, key, value, result=False)
            else:
                self._queue(batch, "set", {"op": "set", "id": ref_id, "key": key}, value, None)
            return
        text = codec.simple_json(value)
        key_text = codec.simple_json(key)
        if text is None or key_text is None:
            self.request({"op": "set", "id": ref_id, "key": key}, value=value)
        else:
            self._send(f'{{"op":"set","id":{ref_id},"key":{key_text},"value":{text}}}')

    def _send(self, text: str, segments: list[bytes | memoryview] | None = None) -> Any:
        """Send a request's JSON text (and binary segments); return its decoded answer."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        if self.batch is not None and self.batch.ops:  # what was queued goes first
            self.batch.flush()
        if len(self._released) >= RELEASE_BATCH:
            self.flush_releases()
        result = self._request(text, segments) if segments else self._request(text)
        if result is None:
            return self._decode_answer()
        return None if result is self._none else result

    def get(self, ref_id: int, key: str | int) -> Any:
        """``page_object[key]``: the commonest request, one call into JavaScript."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        # `_send`'s body again, inline: a Python call costs 0.25 µs in Pyodide
        if self.batch is not None and self.batch.ops:  # what was queued goes first
            self.batch.flush()
        if len(self._released) >= RELEASE_BATCH:
            self.flush_releases()
        result = self._get(ref_id, key)
        if result is None:
            return self._decode_answer()
        return None if result is self._none else result

    def send_batch(self, text: str, segments: list[bytes | memoryview]) -> Any:
        """Send a ``batch`` request (``Batch.flush``); return its decoded answer."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        return self._send(text, segments)

    def end_cell(self) -> None:
        """A cell's code is over: drop a batch no block is left to send.

        Only an interrupt that skipped a block's ``__exit__`` leaves one
        (``interrupts.on_cell_end``); kept, it would swallow the page
        operations of every later cell.
        """
        stale, self.batch = self.batch, None
        if stale is not None:
            stale.drop(KeyboardInterrupt("interrupted before the batch was sent"))

    def settle_batch(self) -> None:
        """Send the operations queued in a batch now (before a wait)."""
        if self.batch is not None:
            self.batch.flush()

    def describe(self, ref_id: int) -> str:
        """The constructor name of a page object this worker holds (for messages)."""
        known = self._proxies.get(ref_id)
        proxy = None if known is None else known()
        return f"<{proxy._ctor}>" if proxy is not None else f"<page object #{ref_id}>"

    def _decode_answer(self) -> Any:
        """The last answer that was not a plain string, number or boolean."""
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        ref_id: int = self._ref_id()
        if ref_id >= 0:  # a page object: its proxy may exist already (no JSON then)
            known = self._proxies.get(ref_id)
            proxy = None if known is None else known()
            if proxy is not None:
                self._received[ref_id] += 1
                return proxy
        answer: str = self._bridge.answer()
        if not answer:  # (a bridge.none that Pyodide gave as None)
            return None
        if answer[0] != _OK:
            if answer[0] == _INTERRUPT:  # the user interrupted this wait
                raise KeyboardInterrupt
            error = json.loads(answer[1:])
            raise JsError(error["name"], error["message"], error.get("stack", ""))
        body = json.loads(answer[1:])
        binary = None
        if '"$b"' in answer:  # cheap pre-check; a string may contain it too
            raw = self._bridge.take_binary()
            binary = None if raw is None else raw.to_bytes()
        return codec.decode(body["v"], self, binary)

    # -- proxies --------------------------------------------------------------

    def proxy(self, wire: dict[str, Any]) -> JsRef:
        """The one proxy of a referenced page object (counting this receipt)."""
        ref_id: int = wire["$ref"]
        self._received[ref_id] = self._received.get(ref_id, 0) + 1
        known = self._proxies.get(ref_id)
        proxy = None if known is None else known()
        if proxy is not None:
            return proxy
        proto = wire.get("p", 0)
        if "m" in wire:
            self._methods[proto] = frozenset(wire["m"])
        methods = self._methods.get(proto, frozenset())
        if "om" in wire:
            methods = methods | frozenset(wire["om"])
        proxy = JsRef(self, ref_id, wire.get("f", 0), wire.get("c", "Object"), methods)
        self._proxies[ref_id] = weakref.ref(proxy)
        self._recent[self._recent_slot] = proxy
        self._recent_slot = (self._recent_slot + 1) % RECENT_PROXIES
        return proxy

    def forget(self, ref_id: int) -> None:
        """Queue the release of a page object whose proxy is being collected.

        Runs from ``JsRef.__del__``: never sends from here, only queues.
        """
        self._proxies.pop(ref_id, None)
        count = self._received.pop(ref_id, 0)
        if count:
            self._released.append((ref_id, count))

    def drop_recent(self) -> None:
        """Stop keeping the last proxies received alive (``RECENT_PROXIES``)."""
        self._recent = [None] * RECENT_PROXIES

    def flush_releases(self) -> None:
        """Give the page back every page object no proxy uses any more."""
        released, self._released = self._released, []
        if released:
            self.request({"op": "release", "ids": released})

    def root(self, name: str) -> JsRef:
        """``window`` or ``document`` (kept for the session's life)."""
        proxy = self._roots.get(name)
        if proxy is None:
            proxy = self.request({"op": "root", "name": name})  # type: ignore[typeddict-item]
            self._roots[name] = proxy
        return proxy

    def global_object(self, name: str) -> JsRef:
        """``window[name]`` (a constructor such as ``ImageData``), kept for the session's life."""
        proxy = self._roots.get(name)
        if proxy is None:
            window = self.root("window")
            proxy = self.get(window._id, name)
            if not isinstance(proxy, JsRef):
                msg = f"window.{name} is not a page object on this page"
                raise TypeError(msg)
            self._roots[name] = proxy
        return proxy

    def stats(self) -> dict[str, int]:
        """Figures of this channel, for leak tests; all but the last from the page.

        ``heap``: page objects kept for this worker; ``data``: bytes of the
        shared data buffer; ``answered``: requests answered so far (round trips);
        ``queued``: events waiting for the worker; ``calls``: page calls of
        Python callbacks not settled yet; ``elements``: displayed elements the
        page holds; ``scratch``: bytes of the page's codec scratch space;
        ``worker_scratch``: the same in this worker; ``callbacks``: page
        functions of Python callbacks; ``worker_callbacks``: the callables
        this worker keeps for them. How the two sides met, for benchmarks:
        ``watched``: requests the page found while it watched after an answer;
        ``woken``: requests it had to be woken for; ``worker_caught``: answers
        this worker's spin caught; ``worker_slept``: answers it slept for.
        """
        figures: dict[str, int] = self.request({"op": "stats"})
        figures["worker_callbacks"] = len(self._callbacks)
        scratch = getattr(self._bridge, "scratch_bytes", None)
        if scratch is not None:
            figures["worker_scratch"] = int(scratch())
        waits = getattr(self._bridge, "wait_figures", None)
        if waits is not None:
            for key, value in json.loads(waits()).items():
                figures[f"worker_{key}"] = int(value)
        return figures

    # -- callbacks ------------------------------------------------------------

    def callback_wire(self, callback: Callback) -> dict[str, Any]:
        """The wire form of a Python callable; one page function per callable."""
        key = (id(callback.function), callback.prevent_default, callback.stop_propagation)
        cb_id = self._callback_ids.get(key)
        if cb_id is None:
            cb_id = self._next_callback
            self._next_callback += 1
            self._callback_ids[key] = cb_id
            self._callbacks[cb_id] = callback
            self._callback_parents[cb_id] = current_parent()
        wire: dict[str, Any] = {"$cb": cb_id}
        if callback.prevent_default:
            wire["pd"] = True
        if callback.stop_propagation:
            wire["sp"] = True
        return wire

    def release_callback(self, function: Any) -> int:
        """Forget every page function made for ``function``; return how many."""
        target = function.function if isinstance(function, Callback) else function
        gone = [key for key in self._callback_ids if key[0] == id(target)]
        ids = [self._callback_ids.pop(key) for key in gone]
        for cb_id in ids:
            self._callbacks.pop(cb_id, None)
            self._callback_parents.pop(cb_id, None)
        if ids:
            self.request({"op": "release", "ids": [], "cbs": ids})
        return len(ids)

    def forget_callbacks(self, ids: list[int]) -> None:
        """Let go of the callables whose page functions the page collected."""
        gone = set(ids)
        for key in [key for key, cb_id in self._callback_ids.items() if cb_id in gone]:
            del self._callback_ids[key]
        for cb_id in gone:
            self._callbacks.pop(cb_id, None)
            self._callback_parents.pop(cb_id, None)

    def dispatch(self, event_json: str) -> None:
        """Run one page call of a Python callback, or take another page event.

        The other events: a comm message, or callbacks the page can no longer
        call (their callables are let go). A callback's result goes back to
        the page. An exception is printed (with its traceback) in the output
        of the cell that registered the callback, and rejects the page's
        Promise.
        """
        parsed: CallbackEvent | KernelEvent | GoneEvent = json.loads(event_json)
        if "gone" in parsed:
            self.forget_callbacks(parsed["gone"])  # type: ignore[typeddict-item]
            return
        if "kernel" in parsed:
            from .comms import deliver

            try:
                deliver(parsed["kernel"])  # type: ignore[typeddict-item]
            except Exception:  # a widget's handler failed: show it, go on
                traceback.print_exc(file=sys.stderr)
            return
        event: CallbackEvent = parsed
        call = event["call"]
        callback = self._callbacks.get(event["cb"])
        if callback is None:
            self._report(call, error=ReferenceError("the Python callback was released"))
            return
        # the callback's page operations are its own, not those of a batch it interrupted
        suspended, self.batch = self.batch, None
        try:
            self._run_callback(call, callback, event)
        finally:
            self.batch = suspended

    def _run_callback(self, call: int, callback: Callback, event: CallbackEvent) -> None:
        with output_to(self._callback_parents.get(event["cb"])):
            try:
                args = codec.decode(event["args"], self, None)
                value = callback.function(*args)
            except KeyboardInterrupt:
                # the page's Promise fails now (not after callbackTimeout); the
                # interrupt goes on to the cell that waits
                self._report(call, error=KeyboardInterrupt("interrupted"))
                raise
            except Exception as error:  # any error: report it, never break the page
                traceback.print_exc(file=sys.stderr)
                self._report(call, error=error)
                return
        self._report(call, value=value)

    def _report(self, call: int, value: Any = None, error: BaseException | None = None) -> None:
        message: Request = {"op": "cbresult", "call": call}
        if error is None:
            try:
                self.request(message, value=value)
            except TypeError as unsendable:
                error = unsendable
            else:
                return
        message["error"] = {"name": type(error).__name__, "message": str(error), "stack": ""}
        self.request(message)

    # -- display --------------------------------------------------------------

    def element_bundle(self, element: JsRef) -> dict[str, Any]:
        """A display bundle that shows the live ``element``.

        Its ``text/html`` part is the element's snapshot, sanitized by the page
        (what a notebook opened without the extension, or nbconvert, shows).
        """
        ref = self.request({"op": "display", "id": element._id})
        return {ELEMENT_MIME: {"uuid": ref["uuid"]}, "text/html": ref["html"]}


def current_parent() -> Any:
    """The parent header of the running cell's messages (``None`` outside a kernel)."""
    kernel = _kernel()
    return None if kernel is None else kernel._parent_header


class output_to:  # noqa: N801 - used like a function
    """Make output go to the cell of the given parent header for a while (``None``: no change)."""

    def __init__(self, header: Any) -> None:
        self._header = header
        self._saved: Any = None

    def __enter__(self) -> None:
        kernel = _kernel()
        if kernel is not None and self._header is not None:
            self._saved = kernel._parent_header
            kernel._parent_header = self._header

    def __exit__(self, *exc: object) -> None:
        kernel = _kernel()
        if kernel is not None and self._saved is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            kernel._parent_header = self._saved


def _kernel() -> Any:
    module = sys.modules.get("pyodide_kernel")
    return None if module is None else getattr(module, "kernel_instance", None)


# -- the installed session ------------------------------------------------------

_SESSION: Session | None = None


def install(bridge: Bridge) -> Session:
    """Connect this interpreter to the page (called by the worker at start).

    Also tells the page when a cell's own code runs, so that an interrupt
    raises KeyboardInterrupt there and not in the kernel's machinery, and
    shows KeyboardInterrupt with a quick traceback (``interrupts.py``).
    """
    global _SESSION  # noqa: PLW0603 - one session per interpreter
    _SESSION = Session(bridge)
    bridge.set_dispatcher(_SESSION.dispatch)
    on_cell_end(_SESSION.end_cell)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        install_cell_marks(shell, bridge)
        install_interrupt_traceback(shell)
        install_input_interrupts(shell, bridge)
    install_sigint_report(bridge)
    return _SESSION


def install_bridge(bridge: Bridge) -> None:
    """Connect this interpreter to the page and make ``time.sleep`` wait in ``bridge``.

    The worker's start calls it with its bridge (``worker/bridge.ts``).
    """
    install(bridge)
    install_sleep(bridge, session().settle_batch)


def isolated() -> bool:
    """Whether this interpreter reaches the page synchronously (the page is isolated)."""
    return _SESSION is not None


def session() -> Session:
    """The interpreter's session. Raises :class:`IsolationError` if there is none."""
    if _SESSION is None:
        raise IsolationError
    return _SESSION


def display(element: JsRef) -> None:
    """Show a live page element in the current cell's output.

    The saved notebook keeps a static HTML snapshot of the element as it was
    when displayed; opening the notebook again runs no code.
    """
    from IPython.display import display as ipython_display

    element = settled(element)
    if not isinstance(element, JsRef):
        msg = f"display() takes a page element, not {type(element).__name__}"
        raise TypeError(msg)
    ipython_display(session().element_bundle(element), raw=True)  # type: ignore[no-untyped-call]


def callback(
    function: Any, *, prevent_default: bool = False, stop_propagation: bool = False
) -> Callback:
    """Wrap ``function`` for the page, with declarative event options.

    ``btn.addEventListener("submit", callback(f, prevent_default=True))``
    cancels the event on the page at once (a late Python callback could not).
    """
    return Callback(function, prevent_default=prevent_default, stop_propagation=stop_propagation)


def wait_for(target: JsRef, event_type: str, timeout: float | None = None) -> Any:
    """Block until ``target`` fires ``event_type``; return the event.

    Other Python callbacks keep running while this waits. Raises
    :class:`JsError` (``TimeoutError``) after ``timeout`` seconds (``None`` or
    ``math.inf``: no timeout; a negative or too long one raises ``ValueError``).
    """
    __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
    seconds = checked_timeout(timeout, "wait_for timeout")
    target = settled(target)
    return session().request(
        {"op": "wait_event", "id": target._id, "type": event_type, "timeout": seconds}
    )


def run_sync(awaitable: JsRef) -> Any:
    """Block until a page Promise settles; return its value or raise its error."""
    __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
    awaitable = settled(awaitable)
    if not isinstance(awaitable, JsRef):
        msg = f"run_sync() takes a page Promise, not {type(awaitable).__name__}"
        raise TypeError(msg)
    return session().request({"op": "await", "id": awaitable._id})


def release(obj: Any = None) -> None:
    """Release page references now.

    With a callable: forget the page functions made for it (listeners using
    them stop calling Python). Without arguments: send the page every
    reference whose proxy was garbage collected (this happens by itself in
    batches), after letting go of the last proxies received (which the
    session keeps alive for quick repeated reads).
    """
    if obj is None:
        current = session()
        current.drop_recent()
        current.flush_releases()
    elif isinstance(obj, Callback) or (callable(obj) and not isinstance(obj, JsRef)):
        session().release_callback(obj)
    else:
        msg = f"release() takes a Python callable or nothing, not {type(obj).__name__}"
        raise TypeError(msg)
