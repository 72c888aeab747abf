"""``with batch():`` in the worker's Python, against the scripted fake channel (no browser).

The page's half (performing a batch, slots, the first error) is proven in
tests/browser/test_page_proxy.py; these pin what the worker sends and when.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from support.fake_bridge import FakeBridge, ref

from jupyter_worker.worker import (
    JsError,
    JsRef,
    batch,
    batched,
    batching,
    connection,
    image_data,
    interrupts,
    next_frame,
    settled,
)
from jupyter_worker.worker.connection import Session


@pytest.fixture
def bridge() -> FakeBridge:
    return FakeBridge()


@pytest.fixture
def session(bridge: FakeBridge, monkeypatch: pytest.MonkeyPatch) -> Session:
    current = Session(bridge)
    monkeypatch.setattr(connection, "_SESSION", current)
    return current


@pytest.fixture
def ctx(bridge: FakeBridge, session: Session) -> JsRef:
    methods = ["fillRect", "putImageData", "createElement", "appendChild", "measureText"]
    bridge.reply(ref(5, "CanvasRenderingContext2D", m=[*methods, "drawImage"]))
    proxy: JsRef = session.request({"op": "root", "name": "document"})  # any proxy
    bridge.sent.clear()
    return proxy


def batch_answer(bridge: FakeBridge, results: list[Any] | None = None, **extra: Any) -> None:
    bridge.reply({"$obj": {"r": results or [], **extra}})


def test_sets_and_calls_go_in_one_request_when_the_block_ends(bridge, session, ctx):
    with batch():
        ctx.fillStyle = "red"
        for x in range(3):
            ctx.fillRect(x, 0, 1.5, 1)
        assert bridge.sent == []
        batch_answer(bridge)
    assert bridge.sent == [
        {
            "op": "batch",
            "ops": [
                ["set", 5, "fillStyle", "red"],
                *(["call", 5, "fillRect", [x, 0, 1.5, 1]] for x in range(3)),
            ],
        }
    ]


def test_a_read_sends_what_was_queued_first(bridge, session, ctx):
    with batch():
        ctx.fillStyle = "red"
        batch_answer(bridge)
        bridge.reply("red")
        assert ctx.fillStyle == "red"
        assert [message["op"] for message in bridge.sent] == ["batch", "get"]
    assert len(bridge.sent) == 2  # nothing left to send


def test_a_call_result_is_a_stand_in_the_batch_can_use(bridge, session, ctx):
    with batch():
        element = ctx.createElement("p")
        element.textContent = "hi"
        element.style.color = "red"
        element.classList.add("x")
        ctx.appendChild(element)
        batch_answer(
            bridge, [[0, ref(9, "HTMLParagraphElement")], [4, ref(9, "HTMLParagraphElement")]]
        )
    (sent,) = bridge.sent
    assert sent["ops"] == [
        ["call", 5, "createElement", ["p"]],
        ["set", -1, "textContent", "hi"],
        ["get", -1, "style", None],
        ["set", -3, "color", "red"],
        ["get", -1, "classList", None],
        ["call", -5, "add", ["x"]],
        ["call", 5, "appendChild", [{"$ref": -1}]],
    ]
    real = settled(element)
    assert isinstance(real, JsRef)
    assert real._id == 9
    assert element == real
    assert element.js_type == "HTMLParagraphElement"


def test_a_call_whose_result_its_statement_drops_gets_no_stand_in(
    bridge, session, ctx, monkeypatch
):
    made = []
    monkeypatch.setattr(batching, "_new_pending", lambda kind: made.append(kind) or kind())
    with batch():
        for x in range(3):
            ctx.fillRect(x, 0, 1, 1)  # a statement: nothing can read the result
        assert made == []
        kept = [ctx.measureText("m")]
        width = ctx.measureText("mm")
        assert len(made) == 2
        batch_answer(bridge, [[3, 7.5], [4, 15.0]])
        assert settled(kept[0]) == 7.5
        assert settled(width) == 15.0
        batch_answer(bridge, [[0, 1.0]])
        batch_answer(bridge, [[0, 2.0]])
        sum(map(ctx.measureText, "ab"))  # a statement, but sum reads each result
        assert len(made) == 4
    assert [[op[2] for op in sent["ops"]] for sent in bridge.sent] == [
        ["fillRect"] * 3 + ["measureText"] * 2,
        ["measureText"],
        ["measureText"],
    ]


def test_using_a_stand_in_as_a_value_sends_the_batch(bridge, session, ctx):
    with batch():
        width = ctx.measureText("m")
        ctx.fillRect(0, 0, 1, 1)
        batch_answer(bridge, [[0, 7.5]])
        assert width + 1 == 8.5  # sends: the result is read
        assert bridge.sent[0]["op"] == "batch"
        ctx.fillRect(1, 1, 1, 1)
        batch_answer(bridge)
    assert [message["op"] for message in bridge.sent] == ["batch", "batch"]
    assert str(width) == "7.5"
    assert settled(width) == 7.5


def test_a_page_error_names_the_operation_and_line_and_stops_the_batch(bridge, session, ctx):
    with pytest.raises(JsError) as caught, batch():  # noqa: PT012 - the block is what is tested
        ctx.fillRect(0, 0, 1, 1)
        ctx.drawImage(None, 0, 0)
        line = inspect.currentframe().f_lineno - 1  # type: ignore[union-attr]
        later = ctx.createElement("p")
        batch_answer(bridge, at=1, e={"$obj": {"name": "TypeError", "message": "bad image"}})
    error = caught.value
    assert error.name == "TypeError"
    assert "bad image" in error.message
    assert "<CanvasRenderingContext2D>.drawImage(null, 0, 0)" in error.message
    assert f"line {line} of {__file__}" in error.message
    assert "1 later operation(s) did not run" in error.message
    with pytest.raises(RuntimeError, match="batched operation 3 did not run"):
        settled(later)


def test_blocks_nest_and_the_outermost_sends(bridge, session, ctx):
    @batched
    def draw(x: int) -> None:
        ctx.fillRect(x, 0, 1, 1)

    with batch():
        draw(1)
        with batch():
            draw(2)
        assert bridge.sent == []
        batch_answer(bridge)
    assert len(bridge.sent) == 1
    assert len(bridge.sent[0]["ops"]) == 2


def test_a_full_queue_is_sent_without_waiting_for_the_end(bridge, session, ctx, monkeypatch):
    monkeypatch.setattr(batching, "MAX_OPS", 3)
    with batch():
        for x in range(7):
            if x % 3 == 0:
                batch_answer(bridge)
            ctx.fillRect(x, 0, 1, 1)
    assert [len(message["ops"]) for message in bridge.sent] == [3, 3, 1]


def test_an_interrupt_drops_what_was_not_sent(bridge, session, ctx):
    with pytest.raises(KeyboardInterrupt), batch():  # noqa: PT012
        element = ctx.createElement("p")
        raise KeyboardInterrupt
    assert bridge.sent == []
    with pytest.raises(RuntimeError, match="did not run"):
        settled(element)
    assert session.batch is None


def test_a_batch_whose_exit_an_interrupt_skipped_is_dropped_when_the_cell_ends(
    bridge, session, ctx, monkeypatch
):
    # (CPython 3.14 can skip a `with` block's __exit__ at an interrupt: see on_cell_end)
    monkeypatch.setattr(interrupts, "_cell_end_hook", interrupts._cell_end_hook)
    monkeypatch.setattr(interrupts, "_tell_page", lambda _running: None)
    interrupts.on_cell_end(session.end_cell)
    batch().__enter__()
    element = ctx.createElement("p")
    interrupts.cell_ends()
    assert session.batch is None
    assert bridge.sent == []
    with pytest.raises(RuntimeError, match="did not run: interrupted"):
        settled(element)
    bridge.reply(None)
    ctx.fillStyle = "red"  # the next cell's operations are sent, not queued
    assert len(bridge.sent) == 1


def test_an_exception_in_the_block_still_sends_what_was_queued(bridge, session, ctx):
    batch_answer(bridge)
    with pytest.raises(ValueError, match="mine"), batch():  # noqa: PT012
        ctx.fillRect(0, 0, 1, 1)
        raise ValueError("mine")
    assert [message["op"] for message in bridge.sent] == ["batch"]


def test_bytes_of_several_operations_keep_their_offsets(bridge, session, ctx):
    with batch():
        ctx.putImageData(b"abc", 0, 0)
        ctx.putImageData(bytearray(b"defghijkl"), 0, 0)
        batch_answer(bridge)
    ops = bridge.sent[0]["ops"]
    assert ops[0][3][0] == {"$b": [0, 3, "Uint8Array"]}
    assert ops[1][3][0] == {"$b": [8, 9, "Uint8Array"]}


def test_image_data_sends_clamped_bytes_and_checks_the_size(bridge, session):
    bridge.reply(ref(1, "Window", flags=0))
    bridge.reply(ref(2, "Function", flags=1))
    bridge.reply(ref(3, "ImageData"))
    image = image_data(bytes(2 * 3 * 4), 2, 3)
    assert image._id == 3
    assert bridge.sent[-1] == {
        "op": "new",
        "id": 2,
        "args": [{"$b": [0, 24, "Uint8ClampedArray"]}, 2, 3],
    }
    with pytest.raises(ValueError, match=r"2x3, got 23"):
        image_data(bytes(23), 2, 3)


def test_a_callback_run_in_a_wait_is_not_batched(bridge, session, ctx):
    calls: list[Any] = []

    def handler() -> None:
        ctx.fillRect(9, 9, 1, 1)  # sent at once
        calls.append(len(bridge.sent))

    wire = session.callback_wire(connection.Callback(handler))
    with batch():
        ctx.fillRect(0, 0, 1, 1)
        bridge.reply(None)  # the callback's fillRect
        session.dispatch(f'{{"cb":{wire["$cb"]},"call":1,"args":[]}}')
        assert calls == [1]  # (the batch had not been sent: the wait sends it, not a callback)
        batch_answer(bridge)
    assert [message["op"] for message in bridge.sent] == ["call", "cbresult", "batch"]


def test_numbers_json_cannot_carry_are_sent_as_the_codec_sends_them(bridge, session, ctx):
    with batch():
        ctx.fillRect(float("inf"), 0, 1, 1)
        ctx.fillRect(2**60, 0.30000000000000004, 1, 1)
        ctx.fillRect(-(2**53), 1234567890123456.5, 1, 1)
        ctx.fillRect(document_sized := 2**53 - 1, 0, 1, 1)
        batch_answer(bridge)
    args = [op[3] for op in bridge.sent[0]["ops"]]
    assert args == [
        [{"$num": "Infinity"}, 0, 1, 1],
        [{"$bigint": str(2**60)}, 0.30000000000000004, 1, 1],
        [{"$bigint": str(-(2**53))}, 1234567890123456.5, 1, 1],
        [document_sized, 0, 1, 1],
    ]


def test_values_that_are_not_plain_are_encoded_when_queued(bridge, session, ctx):
    with batch():
        ctx.fillRect({"a": 1}, [1, (2, 3)], None, True)
        ctx.fillStyle = {"x": b"ab"}
        batch_answer(bridge)
    ops = bridge.sent[0]["ops"]
    assert ops[0][3] == [{"$obj": {"a": 1}}, [1, [2, 3]], None, True]
    assert ops[1][3] == {"$obj": {"x": {"$b": [0, 2, "Uint8Array"]}}}
    with pytest.raises(TypeError, match="cannot send a object"), batch():
        ctx.fillRect(object())
    assert session.batch is None


def test_next_frame_sends_the_batch_first(bridge, session, ctx):
    with batch():
        ctx.fillRect(0, 0, 1, 1)
        batch_answer(bridge)
        bridge.reply(16.5)
        assert next_frame() == 16.5
    assert [message["op"] for message in bridge.sent] == ["batch", "frame"]


def test_each_sends_every_row_in_one_request_after_what_was_queued(bridge, session, ctx):
    class Rows:  # what numpy arrays offer
        def tolist(self) -> list[list[int]]:
            return [[1, 2, 3, 4], [5, 6, 7, 8]]

    with batch():
        ctx.fillStyle = "red"
        batch_answer(bridge)
        bridge.reply(None)
        ctx.fillRect.each([(0, 0, 1, 1), (2, float("inf"), 1, 1)])
        bridge.reply(None)
        ctx.fillRect.each(row for row in [(ctx, None)])
        bridge.reply(None)
        ctx.fillRect.each(Rows())
    assert [message["op"] for message in bridge.sent] == ["batch", "each", "each", "each"]
    assert bridge.sent[1] == {
        "op": "each",
        "id": 5,
        "key": "fillRect",
        "args": [[0, 0, 1, 1], [2, {"$num": "Infinity"}, 1, 1]],
    }
    assert bridge.sent[2]["args"] == [[{"$ref": 5}, None]]
    assert bridge.sent[3]["args"] == [[1, 2, 3, 4], [5, 6, 7, 8]]
    with pytest.raises(TypeError, match="cannot send a object"):
        ctx.fillRect.each([(object(),)])
    # results of a batch as arguments: the batch is sent first, then they are what they became
    with batch():
        width = ctx.measureText("m")
        element = ctx.createElement("p")
        batch_answer(bridge, [[0, 7.5], [1, ref(9, "HTMLParagraphElement")]])
        bridge.reply(None)
        ctx.fillRect.each([(width, element)])
    assert bridge.sent[-1]["args"] == [[7.5, {"$ref": 9}]]
