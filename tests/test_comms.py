"""Comm messages handed to worker Python during a wait (``worker/comms.py``), in CPython."""

import sys
import types

import pytest

from jupyter_worker.worker import comms


class _Manager:
    def __init__(self):
        self.calls = []

    def comm_msg(self, stream, ident, msg):
        self.calls.append(("comm_msg", stream, ident, msg))


@pytest.fixture
def manager(monkeypatch):
    found = _Manager()
    kernel = types.SimpleNamespace(comm_manager=found)
    monkeypatch.setitem(
        sys.modules, "pyodide_kernel", types.SimpleNamespace(kernel_instance=kernel)
    )
    return found


def test_a_comm_message_reaches_the_comm_manager_as_upstream_hands_it(manager):
    message = {
        "msg_type": "comm_msg",
        "header": {"msg_id": "m1"},
        "parent_header": {},
        "metadata": {},
        "content": {"comm_id": "c1", "data": {"method": "update", "state": {"value": 4}}},
    }
    comms.deliver(message)
    [(kind, stream, ident, msg)] = manager.calls
    assert (kind, stream, ident) == ("comm_msg", None, None)
    assert msg["content"]["data"]["state"] == {"value": 4}
    assert msg["buffers"] == []


def test_binary_buffers_arrive_as_memoryviews(manager):
    message = {
        "msg_type": "comm_msg",
        "header": {"msg_id": "m2"},
        "parent_header": {},
        "metadata": {},
        "content": {"comm_id": "c1", "data": {"method": "update", "buffer_paths": [["x"]]}},
        "buffers": ["AAEC/w=="],
    }
    comms.deliver(message)
    [(_kind, _stream, _ident, msg)] = manager.calls
    [buffer] = msg["buffers"]
    assert isinstance(buffer, memoryview)
    assert bytes(buffer) == b"\x00\x01\x02\xff"


def test_anything_else_is_refused(manager):
    with pytest.raises(ValueError, match="not a comm message: 'execute_request'"):
        comms.deliver({"msg_type": "execute_request"})  # type: ignore[typeddict-item]
    assert manager.calls == []
