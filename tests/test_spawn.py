"""``jupyter_worker.Worker`` and ``Pool`` as worker Python sees them, against a stand-in page.

The stand-in answers ``workers`` requests as ``spawn/host.ts`` does (tickets,
``wait``), and runs each started worker's code in a namespace of its own (CPython).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import math
import traceback
from typing import Any

import pytest

from jupyter_worker.worker import crossing, futures, pool, spawn
from jupyter_worker.worker.errors import IsolationError


def _square(x: int) -> int:
    return x * x


class FakePage:
    """The page's worker host; each started worker is a dict namespace here."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.sync: dict[str, Any] = {}
        self.children: dict[int, dict[str, Any]] = {}
        self.answers: dict[int, str] = {}
        self.tickets = 0

    def request(self, message: dict[str, Any], *, value: Any = None) -> str:  # noqa: PLR0911
        assert message == {"op": "workers"}
        self.requests.append(value)
        action = value["action"]
        if action == "start":
            child = len(self.children) + 7
            self.children[child] = {"progress": lambda x: json.loads(self._sync("progress", x))}
            return json.dumps(
                {
                    "id": child,
                    "name": value["name"] or f"worker-{child}",
                    "ticket": self._ticket({"out": []}),
                }
            )
        if action == "set_sync":
            self.sync[value["name"]] = value["fn"]
            return "null"
        if action in ("exec", "call"):
            namespace = self.children[value["id"]]
            if action == "call":
                answer = _served(namespace, value["name"], value["args"], value.get("code", ""))
            else:
                answer = self._run(namespace, value["code"])
            if value.get("detach"):
                return json.dumps({"ticket": self._ticket(answer)})
            return json.dumps(answer)
        if action == "wait":
            if value["timeout"] == 0:  # a poll: as if each still ran
                return "{}"
            done = [t for t in value["tickets"] if t in self.answers]
            return json.dumps({t: self.answers.pop(t) for t in done})
        if action in ("cancel",):
            return json.dumps([False for _ in value["tickets"]])
        return "null"

    def _sync(self, name: str, *args: Any) -> str:
        return self.sync[name](json.dumps(list(args)))

    def _ticket(self, answer: dict[str, Any]) -> int:
        self.tickets += 1
        self.answers[self.tickets] = json.dumps(answer)
        return self.tickets

    def _run(self, namespace: dict[str, Any], code: str) -> dict[str, Any]:
        out = io.StringIO()
        answer: dict[str, Any] = {"out": []}
        try:
            with contextlib.redirect_stdout(out):
                exec(code, namespace)  # noqa: S102 - the stand-in worker
        except Exception as error:
            answer["error"] = {
                "ename": type(error).__name__,
                "evalue": str(error),
                "traceback": traceback.format_exception_only(error),
            }
        if out.getvalue():
            answer["out"].append(["stdout", out.getvalue()])
        return answer


def _served(namespace: dict[str, Any], name: str, payload: str, setup: str) -> dict[str, Any]:
    """What ``spawn.serve_call`` answers in a started worker whose globals are ``namespace``."""
    real = spawn._namespace
    spawn._namespace = lambda: namespace  # type: ignore[assignment]
    try:
        answer = spawn.serve_call(name, payload, setup)
        if isinstance(answer, str):
            return json.loads(answer)  # type: ignore[no-any-return]
        try:
            answer.send(None)  # (the stand-in's awaitables never wait)
        except StopIteration as done:
            return json.loads(done.value)  # type: ignore[no-any-return]
        raise AssertionError("the call waited")
    finally:
        spawn._namespace = real  # type: ignore[assignment]


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> FakePage:
    fake = FakePage()
    monkeypatch.setattr(futures, "session", lambda: fake)
    monkeypatch.setattr(spawn, "isolated", lambda: True)
    monkeypatch.setattr(pool, "_cores", lambda: 2)
    return fake


def test_exec_prints_here_and_errors_keep_their_type(page: FakePage, capsys: Any) -> None:
    worker = spawn.Worker(name="sim")
    assert worker.name == "sim"
    worker.exec("print('hi')")
    assert capsys.readouterr().out == "hi\n"
    with pytest.raises(ZeroDivisionError, match="division by zero") as caught:
        worker.exec("1 / 0")
    assert caught.value.__notes__[0].startswith("raised in worker 'sim'")


def test_call_sends_json_and_sync_functions_answer_in_json(page: FakePage) -> None:
    with spawn.Worker() as worker:
        worker.sync.progress = lambda n: n + 1
        worker.exec("def step(x):\n    return progress(x) * 2")
        assert worker.call("step", 20) == 42  # (20 + 1) * 2
        assert worker.call("abs", -3) == 3
        assert worker.call("math:sqrt", 16) == 4.0
        assert worker.call("bytes", b"\x00\xff") == b"\x00\xff"  # bytes cross as bytes
    assert page.requests[-1] == {"action": "stop", "id": 7}
    assert repr(worker) == "<Worker 'worker-7' (stopped)>"
    with pytest.raises(RuntimeError, match="was terminated"):
        worker.exec("pass")


def test_submit_gives_a_future_of_the_result(page: FakePage, capsys: Any) -> None:
    worker = spawn.Worker()
    worker.exec("def shout(x, end='!'):\n    print('shouting')\n    return x.upper() + end")
    future = worker.submit("shout", "hi", end="?")
    assert isinstance(future, futures.WorkerFuture)
    assert page.requests[-1]["detach"] is True
    assert future.result() == "HI?"
    assert capsys.readouterr().out == "shouting\n"  # shown when the result is taken
    failed = worker.submit("shout", 3)
    assert isinstance(failed.exception(), AttributeError)
    assert [f.result() for f in futures.as_completed([worker.submit("abs", -1)])] == [1]
    with pytest.raises(TimeoutError, match="runs its requests one by one"):
        worker.submit("abs", 1).result(timeout=0)  # (the stand-in: still running)


def test_pool_map_keeps_order_and_sends_functions_by_source_or_by_name(page: FakePage) -> None:
    with pool.Pool() as workers:
        assert len(workers.workers) == 2
        assert list(workers.map(_square, range(6))) == [0, 1, 4, 9, 16, 25]
        assert list(workers.map(math.factorial, [3, 4])) == [6, 24]
        tasks = [workers.submit(_square, 3), workers.submit(_square, 4)]
        sent = [r["id"] for r in page.requests if r["action"] == "call"]
        assert set(sent[-2:]) == {7, 8}  # spread over both
        assert [t.result() for t in tasks] == [9, 16]
    assert repr(workers) == "<Pool of 2 workers (shut down)>"
    with pytest.raises(RuntimeError, match="after shutdown"):
        workers.submit(abs, 1)


def test_a_call_answers_with_its_prints_its_value_or_its_error_and_traceback() -> None:
    namespace: dict[str, Any] = {}
    setup = "def half(x):\n    print('halving', x)\n    return 1 / x * x * x / 2"
    answer = _served(namespace, "half", "[[4], {}]", setup)
    assert answer == {"out": [["stdout", "halving 4\n"]], "value": "2.0"}
    assert "return 1 / x" in pool.inspect.getsource(namespace["half"])  # (its source is kept)
    failed = _served(namespace, "half", "[[0], {}]", "")
    assert failed["out"] == [["stdout", "halving 0\n"]]
    error = failed["error"]
    assert (error["ename"], error["evalue"]) == ("ZeroDivisionError", "division by zero")
    assert "in half\n    return 1 / x * x * x / 2" in error["traceback"][0]
    assert "serve_call" not in error["traceback"][0]
    assert "contextlib" not in error["traceback"][0]
    refused = _served(namespace, "set", "[[], {}]", "")["error"]
    assert refused["ename"] == "TypeError"
    assert "the result of set() cannot cross" in refused["evalue"]
    missing = _served(namespace, "nothing", "[[], {}]", "")["error"]
    assert missing["evalue"] == "name 'nothing' is not defined in this worker"


def test_a_call_of_a_coroutine_function_answers_its_result() -> None:
    async def later(x: int) -> int:
        return x + 1

    namespace: dict[str, Any] = {"later": later}
    assert _served(namespace, "later", "[[1], {}]", "")["value"] == "2"


def test_what_pool_cannot_send_is_named() -> None:
    with pytest.raises(TypeError, match="a lambda has no source"):
        pool.shipped(lambda x: x)

    def inner(x: int) -> int:
        return x

    with pytest.raises(TypeError, match="defined inside another function"):
        pool.shipped(inner)
    assert pool.shipped(math.sqrt) == ("math:sqrt", "")
    assert pool.shipped(abs) == ("abs", "")


def test_what_cannot_cross_is_named() -> None:
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        crossing.to_json({1}, "the arguments of f()")
    with pytest.raises(TypeError, match="must be callable"):
        spawn._SyncTable(object()).progress = 3  # type: ignore[arg-type]


def test_errors_without_a_type_here_are_worker_errors() -> None:
    with pytest.raises(crossing.WorkerError, match="Odd: no") as caught:
        crossing.raise_error(
            {"ename": "Odd", "evalue": "no", "traceback": ["\x1b[31mline\x1b[0m"]}, "w"
        )
    assert caught.value.__notes__ == ["raised in worker 'w':\nline"]
    with pytest.raises(KeyError) as key:
        crossing.raise_error({"ename": "KeyError", "evalue": "'missing'"}, "w")
    assert key.value.args == ("missing",)
    with pytest.raises(crossing.WorkerCrashed):
        crossing.raise_error({"ename": "WorkerCrashed", "evalue": "gone"}, "w")


def test_without_isolation_the_asynchronous_forms_work(
    page: FakePage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spawn, "isolated", lambda: False)

    async def by_message(value: dict[str, Any]) -> Any:
        return json.loads(page.request({"op": "workers"}, value=value))

    monkeypatch.setattr(spawn, "arequest", by_message)

    async def cell() -> tuple[Any, ...]:
        worker = spawn.Worker("x = 20", name="plain")
        await worker.aexec("x += 1\ndef double():\n    return x * 2")
        return worker.name, await worker.acall("double")

    assert asyncio.run(cell()) == ("plain", 42)


def test_without_isolation_the_synchronous_forms_say_what_works() -> None:
    with pytest.raises(IsolationError) as caught:
        futures.request({"action": "wait"})
    assert "await w.acall(name, *args)" in caught.value.__notes__[0]
