"""The protocol's two sides agree both ways: ``protocol.ts`` and ``protocol.py``.

Every constant of the part of ``labextension/src/protocol.ts`` shared with
worker Python is in ``jupyter_worker/protocol.py`` with the same value and
the other way round; every message interface there is a ``TypedDict`` with
the same fields; the bridge's JavaScript members are those of ``Bridge``.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

from jupyter_worker import protocol

SRC = Path(__file__).parent.parent / "labextension" / "src"
SHARED_START = "// ---- shared with worker Python (jupyter_worker/protocol.py) ----"
SHARED_END = "// ---- page and worker JavaScript only ----"

#: Each interface of the shared part, and its Python mirror.
MIRRORS = {
    "IRef": protocol.Ref,
    "IElementRef": protocol.ElementRef,
    "IChannelRequest": protocol.Request,
    "IChannelResult": protocol.Result,
    "IChannelError": protocol.Error,
    "ICallbackEvent": protocol.CallbackEvent,
    "IKernelEvent": protocol.KernelEvent,
    "IGoneEvent": protocol.GoneEvent,
}


def _shared() -> str:
    text = (SRC / "protocol.ts").read_text(encoding="utf-8")
    start, end = text.index(SHARED_START), text.index(SHARED_END)
    return re.sub(r"/\*.*?\*/|//[^\n]*", "", text[start:end], flags=re.DOTALL)


def _ts_constants(text: str) -> dict[str, int | str]:
    constants: dict[str, int | str] = {}
    for name, number, string in re.findall(r"export const (\w+) = (?:(\d+)|'([^']*)');", text):
        constants[name] = int(number) if number else string
    return constants


def _fields(body: str) -> dict[str, str]:
    """Top-level fields of an object type's body: name -> nested body ('' if none)."""
    fields: dict[str, str] = {}
    depth, index = 0, 0
    while index < len(body):
        char = body[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            match = re.match(r"\s*(\$?\w+)\??:\s*", body[index:])
            if match:
                name = match.group(1)
                index += match.end()
                nested = ""
                if body[index] == "{":
                    end = _closing(body, index)
                    nested = body[index + 1 : end]
                    index = end
                fields[name] = nested
                continue
        index += 1
    return fields


def _closing(text: str, open_at: int) -> int:
    depth = 0
    for index in range(open_at, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return index
    raise AssertionError(text[open_at:])


def _ts_interfaces(text: str) -> dict[str, dict[str, str]]:
    interfaces = {}
    for match in re.finditer(r"export interface (\w+) \{", text):
        end = _closing(text, match.end() - 1)
        interfaces[match.group(1)] = _fields(text[match.end() : end])
    return interfaces


def _python_constants() -> dict[str, int | str]:
    return {
        name: value
        for name, value in vars(protocol).items()
        if name.isupper() and isinstance(value, int | str)
    }


def test_constants_agree_both_ways():
    assert _ts_constants(_shared()) == _python_constants()


def test_every_shared_interface_has_a_mirror_and_every_mirror_an_interface():
    assert set(_ts_interfaces(_shared())) == set(MIRRORS)
    typed_dicts = {
        name
        for name, value in vars(protocol).items()
        if isinstance(value, type) and typing.is_typeddict(value)
    }
    assert typed_dicts == {mirror.__name__ for mirror in MIRRORS.values()} | {"KernelMessage"}


def test_fields_agree_both_ways():
    interfaces = _ts_interfaces(_shared())
    for name, mirror in MIRRORS.items():
        ts_fields = set(interfaces[name])
        python_fields = set(mirror.__annotations__)
        if mirror is protocol.Request:
            assert not python_fields & set(protocol.JS_ONLY_REQUEST_FIELDS)
            python_fields |= set(protocol.JS_ONLY_REQUEST_FIELDS)
        assert ts_fields == python_fields, name
    kernel = _fields(interfaces["IKernelEvent"]["kernel"])
    assert set(kernel) == set(protocol.KernelMessage.__annotations__)


def test_operations_agree_both_ways():
    match = re.search(r"export type ChannelOp =([^;]*);", _shared())
    assert match
    ts_ops = set(re.findall(r"'(\w+)'", match.group(1)))
    python_ops = set(typing.get_args(protocol.Op))
    assert not python_ops & set(protocol.JS_ONLY_OPS)
    assert ts_ops == python_ops | set(protocol.JS_ONLY_OPS)


def test_the_bridge_has_the_members_python_expects():
    source = (SRC / "worker" / "bridge.ts").read_text(encoding="utf-8")
    start = source.index("const bridge = {")
    body = source[start : _closing(source, source.index("{", start))]
    members = set(re.findall(r"^ {6}(\w+)[(:]", body, flags=re.MULTILINE))
    expected = {
        name for name in vars(protocol.Bridge) if not name.startswith("_") and name not in ("none",)
    } | set(protocol.Bridge.__annotations__)
    assert members == expected
