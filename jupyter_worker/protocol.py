"""The synchronous channel's wire protocol, Python side.

Mirrors the TypeScript interfaces in ``labextension/src/tokens.ts``
(``IChannelRequest``, ``IChannelResult``, ``IChannelError``,
``ICallbackEvent``) and the constants of ``labextension/src/channel``.
Pure data: importable anywhere (tests run it in CPython).
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

#: Answer kinds (``channel/layout.ts``).
R_OK = 0
R_ERROR = 1
R_INTERRUPT = 3

#: Reference flags (``channel/heap.ts``).
F_CALLABLE = 1
F_ARRAYLIKE = 2
F_ITERABLE = 4
F_THENABLE = 8
F_NODE = 16
F_BUFFER = 32

Op = Literal[
    "root", "get", "set", "del", "has", "call", "apply", "new", "len", "iter",
    "keys", "str", "bytes", "await", "wait_event", "release", "display", "take",
    "cbresult", "stats",
]  # fmt: skip


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


class Ref(TypedDict):
    """A page object as it arrives (``IRef``)."""

    # "$ref" is not a Python identifier; see ``codec.decode``.
    f: int
    c: str
    p: int
    m: NotRequired[list[str]]
    om: NotRequired[list[str]]


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


#: The MIME type of a displayed worker element (``display/elements.ts``).
ELEMENT_MIME = "application/vnd.jupyter-worker.element+json"

#: ``%%worker --in/--out``: the MIME types under which a silent execute displays
#: a variable's JSON text and its Python type name (``tokens.ts``).
VALUE_MIME = "application/vnd.jupyter-worker.value"
TYPE_MIME = "application/vnd.jupyter-worker.type"
