"""The page<->worker<->Python protocol, Python side.

Mirrors the first part of ``labextension/src/protocol.ts`` (what worker
Python shares with the page and the worker's JavaScript): every constant
there is here with the same value, every message interface is a
``TypedDict`` here with the same fields (``tests/test_protocol.py`` checks
both ways). :class:`Bridge` types the worker's JavaScript module that worker
Python calls (``worker/bridge.ts``). Pure data: importable anywhere (tests
run it in CPython).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, Protocol, TypedDict

#: Answer kinds worker Python reads.
R_OK = 0
R_ERROR = 1
R_INTERRUPT = 3

#: Reference flags.
F_CALLABLE = 1
F_ARRAYLIKE = 2
F_ITERABLE = 4
F_THENABLE = 8
F_NODE = 16
F_BUFFER = 32

Op = Literal[
    "root", "get", "set", "del", "has", "call", "apply", "new", "len", "iter",
    "keys", "str", "bytes", "await", "wait_event", "release", "display", "take",
    "cbresult", "stats", "workers", "batch", "each", "frame",
]  # fmt: skip

#: Operations of ``ChannelOp`` that only the worker's JavaScript sends (a
#: callback run during a wait, the drive, ``input()``), never worker Python.
JS_ONLY_OPS = ("cbdone", "cbabort", "drive", "input")

#: Fields of ``IChannelRequest`` that only those operations use.
JS_ONLY_REQUEST_FIELDS = ("prompt", "password", "parent")


class Error(TypedDict):
    """A failed answer (``IChannelError``)."""

    name: str
    message: str
    stack: str


class Request(TypedDict):
    """One request to the page (``IChannelRequest``)."""

    op: Op
    id: NotRequired[int]
    key: NotRequired[str | int]
    #: ``get``: the number the worker's JavaScript gives ``key`` (never sent by Python)
    k: NotRequired[int]
    args: NotRequired[list[Any]]
    value: NotRequired[Any]
    name: NotRequired[Literal["window", "document"]]
    type: NotRequired[str]
    timeout: NotRequired[float | None]
    ids: NotRequired[list[tuple[int, int]]]
    cbs: NotRequired[list[int]]
    call: NotRequired[int]
    error: NotRequired[Error]
    #: ``batch``: the queued requests, ``[op, id, key, args or value]``; a
    #: negative id ``-(i + 1)`` is the result of request ``i``
    ops: NotRequired[list[list[Any]]]


#: A page object as it arrives (``IRef``): its heap id (``"$ref"``, not a
#: Python identifier, hence this form), flags, constructor name, prototype id
#: and, the first time that prototype is sent, its method names.
Ref = TypedDict(
    "Ref",
    {
        "$ref": int,
        "f": int,
        "c": str,
        "p": int,
        "m": NotRequired[list[str]],
        "om": NotRequired[list[str]],
    },
)


class Result(TypedDict):
    """A successful answer (``IChannelResult``)."""

    v: Any


class CallbackEvent(TypedDict):
    """A page call of a Python callback (``ICallbackEvent``)."""

    cb: int
    call: int
    args: list[Any]


class KernelMessage(TypedDict):
    """A comm message for worker Python, handed over during a wait (``IKernelEvent``)."""

    msg_type: str
    header: dict[str, Any]
    parent_header: dict[str, Any]
    metadata: dict[str, Any]
    content: dict[str, Any]
    #: the binary buffers, in base64
    buffers: list[str]


class KernelEvent(TypedDict):
    """The event that carries a :class:`KernelMessage` (``IKernelEvent``)."""

    kernel: KernelMessage


class GoneEvent(TypedDict):
    """Page functions of these callbacks were garbage collected (``IGoneEvent``)."""

    gone: list[int]


class ElementRef(TypedDict):
    """A displayed element (``IElementRef``): registry key and static snapshot."""

    uuid: str
    html: str


#: The MIME type of a displayed worker element.
ELEMENT_MIME = "application/vnd.jupyter-worker.element+json"

#: ``%%worker --in/--out``: the MIME types under which a silent execute displays
#: a variable's JSON text and its Python type name.
VALUE_MIME = "application/vnd.jupyter-worker.value"
TYPE_MIME = "application/vnd.jupyter-worker.type"


class Bridge(Protocol):
    """The worker's JavaScript bridge object (``worker/bridge.ts``, given to ``install_bridge``).

    ``request`` and ``get`` give a string, number or boolean result as
    itself, ``none`` for ``undefined``, and ``None`` for any other answer,
    which ``answer`` then gives as ``"<kind><json>"``.
    """

    #: What ``request`` / ``get`` return for a JavaScript ``undefined``.
    none: object

    def request(self, json: str, segments: Any = None, /) -> Any:
        """Send one JSON request (with binary segments); its result or ``None``."""

    def get(self, id: int, key: str | int, /) -> Any:
        """Read attribute or item ``key`` of page object ``id`` (no JSON)."""

    def answer(self) -> str:
        """The last answer that was not a plain value: ``"<kind><json>"``."""

    def ref_id(self) -> int:
        """The heap id of the last answer if it was a bare reference, else -1."""

    def take_binary(self) -> Any:
        """The binary segments of the last answer (once), or ``None``."""

    def sleep(self, seconds: float, /) -> bool:
        """Sleep on shared memory; whether the page interrupted."""

    def in_cell(self, running: bool, /) -> None:  # noqa: FBT001 - the JavaScript signature
        """Tell the page whether a cell's own code runs (interrupts wait for it)."""

    def interrupt_raised(self) -> None:
        """Tell the page that an interrupt became a ``KeyboardInterrupt``."""

    def input_interrupted(self) -> bool:
        """Whether an interrupt ended the last ``input()`` wait (and forget it)."""

    def interrupt_later(self) -> None:
        """Hand an interrupt that landed in a finalizer back to Pyodide."""

    def scratch_bytes(self) -> int:
        """How many bytes of scratch space the worker's codec keeps."""

    def wait_figures(self) -> str:
        """JSON ``{"caught", "slept"}``: answers the worker's spin caught, or slept for."""

    def set_dispatcher(self, dispatch: Any, /) -> None:
        """Give the worker the function that runs page events (callbacks, comms)."""
