"""A scripted fake of the worker's JavaScript bridge, for the worker Python's unit tests."""

from __future__ import annotations

import json
from typing import Any


class FakeBridge:
    """Answers requests from a script; records what was sent.

    Follows ``worker/bridge.ts``: a string, number or boolean result is
    returned as itself, ``undefined`` (JSON null here) as ``none``, any other
    answer as None and then read with ``answer()``.
    """

    none = object()  # Pyodide gives JavaScript null as jsnull

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.answers: list[str] = []
        self.dispatcher = None
        self.last = ""

    def reply(self, value: Any) -> None:
        self.answers.append("0" + json.dumps({"v": value}))

    def fail(self, name: str, message: str) -> None:
        self.answers.append("1" + json.dumps({"name": name, "message": message, "stack": ""}))

    def request(self, text: str, segments: Any = None) -> Any:
        self.sent.append(json.loads(text))
        if self.sent[-1]["op"] in ("release", "cbresult"):
            return self._deliver('0{"v":null}')
        return self._deliver(self.answers.pop(0))

    def get(self, ref_id: int, key: str | int) -> Any:
        return self.request(json.dumps({"op": "get", "id": ref_id, "key": key}))

    def _deliver(self, answer: str) -> Any:
        if answer[0] == "0":
            value = json.loads(answer[1:]).get("v")
            if isinstance(value, str | int | float):  # bool is an int
                return value
            if value is None:
                return self.none
        self.last = answer
        return None

    def answer(self) -> str:
        return self.last

    def ref_id(self) -> int:
        if self.last[:1] == "0":
            value = json.loads(self.last[1:]).get("v")
            if isinstance(value, dict) and "$ref" in value:
                return int(value["$ref"])
        return -1

    def set_dispatcher(self, function: Any) -> None:
        self.dispatcher = function


def ref(ref_id: int, ctor: str = "HTMLElement", flags: int = 0, **extra: Any) -> dict[str, Any]:
    return {"$ref": ref_id, "f": flags, "c": ctor, "p": 1, **extra}
