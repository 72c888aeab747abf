"""``jupyter_worker.Worker`` as worker Python sees it, against a stand-in page (CPython)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jupyter_worker.worker import spawn


class FakePage:
    """Answers ``workers`` requests as ``spawn/host.ts`` does; records them."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.sync: dict[str, Any] = {}

    def request(self, message: dict[str, Any], *, value: Any = None) -> str:
        assert message == {"op": "workers"}
        self.requests.append(value)
        action = value["action"]
        if action == "start":
            return json.dumps({"id": 7, "name": value["name"] or "worker-7"})
        if action == "set_sync":
            self.sync[value["name"]] = value["fn"]
            return "null"
        if action == "exec":
            if "boom" in value["code"]:
                error = {"ename": "ZeroDivisionError", "evalue": "division by zero"}
                return json.dumps(
                    {"out": [["stderr", "warn\n"]], "error": {**error, "traceback": []}}
                )
            return json.dumps({"out": [["stdout", "hi\n"]]})
        if action == "call":
            args = json.loads(value["args"])
            # the worker calls back into its parent, as sync.progress(x) does
            echoed = json.loads(self.sync["progress"](json.dumps(args)))
            return json.dumps({"out": [], "value": json.dumps(echoed * 2)})
        return "null"


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> FakePage:
    fake = FakePage()
    monkeypatch.setattr(spawn, "session", lambda: fake)
    return fake


def test_exec_prints_here_and_errors_keep_their_type(page: FakePage, capsys: Any) -> None:
    worker = spawn.Worker(name="sim")
    assert worker.name == "sim"
    worker.exec("print('hi')")
    assert capsys.readouterr().out == "hi\n"
    with pytest.raises(ZeroDivisionError, match="division by zero") as caught:
        worker.exec("boom")
    assert caught.value.__notes__[0].startswith("raised in worker 'sim'")
    assert capsys.readouterr().err == "warn\n"


def test_call_sends_json_and_sync_functions_answer_in_json(page: FakePage) -> None:
    with spawn.Worker() as worker:
        worker.sync.progress = lambda n: n + 1
        assert worker.call("step", 20) == 42  # (20 + 1) * 2
    assert page.requests[-1] == {"action": "stop", "id": 7}
    assert repr(worker) == "<Worker 'worker-7' (stopped)>"
    with pytest.raises(RuntimeError, match="was terminated"):
        worker.exec("pass")


def test_what_cannot_cross_is_named() -> None:
    with pytest.raises(TypeError, match="set is not JSON serializable"):
        spawn._to_json({1}, "the arguments of f()")
    with pytest.raises(TypeError, match="must be callable"):
        spawn._SyncTable(object()).progress = 3  # type: ignore[arg-type]


def test_errors_without_a_type_here_are_worker_errors() -> None:
    with pytest.raises(spawn.WorkerError, match="Odd: no") as caught:
        spawn._raise({"ename": "Odd", "evalue": "no", "traceback": ["\x1b[31mline\x1b[0m"]}, "w")
    assert caught.value.__notes__ == ["raised in worker 'w':\nline"]
    with pytest.raises(KeyError) as key:
        spawn._raise({"ename": "KeyError", "evalue": "'missing'"}, "w")
    assert key.value.args == ("missing",)
    with pytest.raises(spawn.WorkerCrashed):
        spawn._raise({"ename": "WorkerCrashed", "evalue": "gone"}, "w")
