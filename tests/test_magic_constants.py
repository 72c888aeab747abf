"""Names and numbers the browser and Python sides both declare agree."""

import re
from pathlib import Path

from jupyter_worker import protocol
from jupyter_worker.constants import LAB_PAGE_CONFIG_KEY, LAB_PYODIDE_PATH
from jupyter_worker.magic.options import USAGE

SRC = Path(__file__).parent.parent / "labextension" / "src"


def _ts_string(path: Path, name: str) -> str:
    match = re.search(rf"export const {name} = '([^']*)';", path.read_text(encoding="utf-8"))
    assert match, f"{name} not in {path}"
    return match.group(1)


def _ts_number(path: Path, name: str) -> int:
    match = re.search(rf"export const {name} = (\d+);", path.read_text(encoding="utf-8"))
    assert match, f"{name} not in {path}"
    return int(match.group(1))


def test_channel_numbers_agree():
    # Python reads answer kinds from the bridge's answer() and flags from references
    layout = SRC / "channel" / "layout.ts"
    for name in ("R_OK", "R_ERROR", "R_INTERRUPT"):
        assert _ts_number(layout, name) == getattr(protocol, name), name
    heap = SRC / "channel" / "heap.ts"
    for name in ("F_CALLABLE", "F_ARRAYLIKE", "F_ITERABLE", "F_THENABLE", "F_NODE", "F_BUFFER"):
        assert _ts_number(heap, name) == getattr(protocol, name), name


def test_wire_names_agree():
    tokens = SRC / "tokens.ts"
    assert _ts_string(tokens, "LAB_PYODIDE_PATH") == LAB_PYODIDE_PATH
    assert _ts_string(tokens, "LAB_PAGE_CONFIG_KEY") == LAB_PAGE_CONFIG_KEY
    assert _ts_string(tokens, "VALUE_MIME") == protocol.VALUE_MIME
    assert _ts_string(tokens, "TYPE_MIME") == protocol.TYPE_MIME


def test_usage_texts_agree():
    source = (SRC / "magic" / "options.ts").read_text(encoding="utf-8")
    match = re.search(r"export const USAGE = `([^`]*)`;", source)
    assert match
    assert match.group(1) == USAGE
