"""The worker-side Python of the page proxy, against a scripted fake channel (no browser).

The real channel is exercised by tests/browser; these pin the wire format and
the bookkeeping (proxy identity, release counts, callbacks) in plain CPython.
"""

from __future__ import annotations

import gc
import json
import math
import signal
import time
import weakref

import IPython
import pytest
from support.fake_bridge import FakeBridge, ref

from jupyter_worker.worker import JsError, JsMethod, JsRef, callback, connection, interrupts
from jupyter_worker.worker.codec import decode, encode, simple_json
from jupyter_worker.worker.connection import RECENT_PROXIES, RELEASE_BATCH, Session


@pytest.fixture
def bridge() -> FakeBridge:
    return FakeBridge()


@pytest.fixture
def session(bridge: FakeBridge) -> Session:
    return Session(bridge)


def test_primitives_round_trip(session):
    segments: list = []
    values = [None, True, 3, 2.5, "é", [1, [2]], {"a": {"b": 1}}]
    wires = [encode(v, session, segments) for v in values]
    assert wires == [None, True, 3, 2.5, "é", [1, [2]], {"$obj": {"a": {"$obj": {"b": 1}}}}]
    assert segments == []
    assert decode({"$num": "NaN"}, session, None) != decode({"$num": "NaN"}, session, None)
    assert decode({"$num": "-Infinity"}, session, None) == -math.inf
    assert encode(2**60, session, segments) == {"$bigint": str(2**60)}
    assert decode({"$bigint": "1152921504606846976"}, session, None) == 2**60


def test_bytes_travel_as_aligned_segments(session):
    segments: list = []
    first = encode(b"abc", session, segments)
    second = encode(bytearray(b"xy"), session, segments)
    assert first == {"$b": [0, 3, "Uint8Array"]}
    assert second == {"$b": [8, 2, "Uint8Array"]}
    assert [bytes(s) for s in segments] == [b"abc", b"xy"]
    assert decode({"$b": [8, 2, "Uint8Array"]}, session, b"abc\0\0\0\0\0xy") == b"xy"


@pytest.mark.parametrize(
    "value",
    ["x", 'é\u2028\ud800\n"', 2, -(2**53 - 1), 2.5, -0.0, 1e300, True, None],
)
def test_simple_values_are_written_as_json_writes_them(value):
    assert simple_json(value) == json.dumps(value)


@pytest.mark.parametrize("value", [2**53, math.inf, math.nan, b"x", [1], {"a": 1}])
def test_other_values_are_left_to_the_general_encoder(value):
    assert simple_json(value) is None


def test_calls_and_sets_with_any_arguments_send_the_same_request(bridge, session):
    element = decode(ref(5, m=["f"]), session, None)
    other = decode(ref(6), session, None)
    for _ in range(4):
        bridge.reply(None)
    element.f("x", 2, other, None)
    element.f(b"xy", [1], 2**60)
    element.value = "v"
    element[0] = math.inf
    simple, general, set_simple, set_general = bridge.sent
    assert simple == {"op": "call", "id": 5, "key": "f", "args": ["x", 2, {"$ref": 6}, None]}
    assert general == {
        "op": "call",
        "id": 5,
        "key": "f",
        "args": [{"$b": [0, 2, "Uint8Array"]}, [1], {"$bigint": str(2**60)}],
    }
    assert set_simple == {"op": "set", "id": 5, "key": "value", "value": "v"}
    assert set_general == {"op": "set", "id": 5, "key": 0, "value": {"$num": "Infinity"}}


def test_unsendable_values_are_named(session):
    with pytest.raises(TypeError, match="cannot send a set to the page"):
        encode({1, 2}, session, [])
    with pytest.raises(TypeError, match="dict keys sent to the page must be str, not int"):
        encode({1: 2}, session, [])


def test_one_proxy_per_page_object(session):
    first = decode(ref(5, m=["click"]), session, None)
    again = decode(ref(5), session, None)
    assert first is again
    assert first == again
    assert hash(first) == hash(again)
    assert first != decode(ref(6), session, None)
    assert isinstance(first.click, JsMethod)  # a known method: no round trip


def test_attribute_get_is_one_request(bridge, session):
    element = decode(ref(7, m=["getAttribute"]), session, None)
    bridge.reply("Hello")
    assert element.textContent == "Hello"
    assert bridge.sent == [{"op": "get", "id": 7, "key": "textContent"}]
    bridge.reply(ref(8))
    element.getAttribute("id", extra=1)
    assert bridge.sent[-1] == {
        "op": "call",
        "id": 7,
        "key": "getAttribute",
        "args": ["id", {"$obj": {"extra": 1}}],
    }


def test_setting_and_deleting(bridge, session):
    element = decode(ref(7), session, None)
    bridge.reply(None)
    element.textContent = "x"
    bridge.reply(None)
    del element["data-x"]
    assert bridge.sent == [
        {"op": "set", "id": 7, "key": "textContent", "value": "x"},
        {"op": "del", "id": 7, "key": "data-x"},
    ]


def test_found_functions_keep_this(bridge, session):
    namespace = decode(ref(3, "Object"), session, None)
    bridge.reply(ref(4, "Function", flags=1))
    method = namespace.helper
    assert isinstance(method, JsMethod)
    bridge.reply(1)
    assert method(2) == 1
    assert bridge.sent[-1] == {"op": "call", "id": 3, "key": "helper", "args": [2]}


def test_page_errors_become_js_errors(bridge, session):
    element = decode(ref(7), session, None)
    bridge.fail("NotFoundError", "gone")
    with pytest.raises(JsError, match="NotFoundError: gone") as caught:
        _ = element.parentNode
    assert caught.value.name == "NotFoundError"
    assert caught.value.message == "gone"


def test_released_proxies_are_counted_back_in_batches(bridge, session):
    # made and dropped at once; the session keeps the last RECENT_PROXIES alive
    for ref_id in range(100, 100 + RELEASE_BATCH + RECENT_PROXIES - 1):
        decode(ref(ref_id), session, None)
    gc.collect()
    bridge.reply("t")
    document = decode(ref(1), session, None)
    _ = document.title
    release = bridge.sent[0]
    assert release["op"] == "release"
    assert sorted(release["ids"]) == [[i, 1] for i in range(100, 100 + RELEASE_BATCH)]
    assert bridge.sent[1] == {"op": "get", "id": 1, "key": "title"}


def test_a_proxy_received_twice_gives_back_both_counts(bridge, session):
    element = decode(ref(9), session, None)
    assert decode(ref(9), session, None) is element
    del element
    session.drop_recent()
    gc.collect()
    session.flush_releases()
    assert bridge.sent[-1] == {"op": "release", "ids": [[9, 2]]}


def test_a_page_object_read_again_finds_its_recent_proxy(bridge, session):
    document = decode(ref(1), session, None)
    bridge.reply(ref(5))
    body = weakref.ref(document.body)
    gc.collect()
    assert body() is not None  # dropped, but kept among the recent proxies
    bridge.reply(ref(5))
    assert document.body is body()
    session.drop_recent()
    gc.collect()
    assert body() is None
    session.flush_releases()
    assert bridge.sent[-1] == {"op": "release", "ids": [[5, 2]]}


def test_callbacks_get_one_id_per_function_and_options(session):
    def handler(event):
        return event

    plain = encode(handler, session, [])
    again = encode(handler, session, [])
    cancelling = encode(callback(handler, prevent_default=True), session, [])
    assert plain == again == {"$cb": 1}
    assert cancelling == {"$cb": 2, "pd": True}


def test_dispatch_runs_the_callback_and_sends_its_result(bridge, session, capsys):
    seen = []

    def record(event):
        seen.append(event)
        return len(seen)

    def broken(event):
        raise ValueError("broken callback")

    encode(record, session, [])
    encode(broken, session, [])
    session.dispatch(json.dumps({"cb": 1, "call": 1, "args": [ref(3)]}))
    assert isinstance(seen[0], JsRef)
    assert bridge.sent[-1] == {"op": "cbresult", "call": 1, "value": 1}
    session.dispatch(json.dumps({"cb": 2, "call": 2, "args": [1]}))
    assert "ValueError: broken callback" in capsys.readouterr().err
    assert bridge.sent[-1]["error"] == {
        "name": "ValueError",
        "message": "broken callback",
        "stack": "",
    }
    session.dispatch(json.dumps({"cb": 99, "call": 3, "args": []}))
    assert bridge.sent[-1]["error"]["name"] == "ReferenceError"


def test_release_of_a_callback(bridge, session):
    def handler(event):
        return event

    encode(handler, session, [])
    session.release_callback(handler)
    assert bridge.sent[-1] == {"op": "release", "ids": [], "cbs": [1]}
    assert encode(handler, session, []) == {"$cb": 2}


def test_callbacks_the_page_collected_are_let_go(bridge, session):
    def kept(event):
        return event

    def dropped(event):
        return event

    encode(kept, session, [])
    encode(dropped, session, [])
    watch = weakref.ref(dropped)
    sent = len(bridge.sent)
    session.dispatch(json.dumps({"gone": [2]}))
    assert len(bridge.sent) == sent  # nothing to tell the page
    del dropped
    gc.collect()
    assert watch() is None  # the session no longer holds the function
    assert encode(kept, session, []) == {"$cb": 1}
    session.dispatch(json.dumps({"cb": 2, "call": 1, "args": []}))
    assert bridge.sent[-1]["error"]["name"] == "ReferenceError"


def test_page_names_that_start_with_underscores_reach_the_page(bridge, session):
    element = decode(ref(7), session, None)
    bridge.reply(1)
    assert element.__jwState == 1
    assert bridge.sent[-1] == {"op": "get", "id": 7, "key": "__jwState"}
    with pytest.raises(AttributeError):
        _ = element.__length_hint__


def test_an_interrupted_callback_rejects_the_pages_promise_and_interrupts(bridge, session):
    def endless(event):
        raise KeyboardInterrupt

    encode(endless, session, [])
    with pytest.raises(KeyboardInterrupt):
        session.dispatch(json.dumps({"cb": 1, "call": 7, "args": [1]}))
    # the page's Promise fails at once, not after callbackTimeout
    sent = bridge.sent[-1]
    assert (sent["op"], sent["call"]) == ("cbresult", 7)
    assert sent["error"] == {"name": "KeyboardInterrupt", "message": "interrupted", "stack": ""}


def test_install_bridge_connects_the_interpreter_and_sleeps_in_the_bridge(monkeypatch):
    slept: list[float] = []

    class SleepingBridge(FakeBridge):
        def sleep(self, seconds: float) -> bool:
            slept.append(seconds)
            return False

    bridge = SleepingBridge()
    monkeypatch.setattr(connection, "_SESSION", None)
    monkeypatch.setattr(interrupts, "_cell_end_hook", interrupts._cell_end_hook)
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)  # (no shell's hooks)
    monkeypatch.setattr(time, "sleep", time.sleep)  # (restored after the test)
    previous = signal.getsignal(signal.SIGINT)
    try:
        connection.install_bridge(bridge)
        assert connection.session()._bridge is bridge
        assert bridge.dispatcher is not None
        time.sleep(0.25)
        assert slept == [0.25]
    finally:
        signal.signal(signal.SIGINT, previous)
