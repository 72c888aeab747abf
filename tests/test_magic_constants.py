"""Names the browser and Python sides both declare agree (the protocol's: ``test_protocol.py``)."""

import re
from pathlib import Path

from jupyter_worker.constants import LAB_PAGE_CONFIG_KEY, LAB_PYODIDE_PATH
from jupyter_worker.magic.magics import USAGE

SRC = Path(__file__).parent.parent / "labextension" / "src"


def _ts_string(path: Path, name: str) -> str:
    match = re.search(rf"export const {name} = '([^']*)';", path.read_text(encoding="utf-8"))
    assert match, f"{name} not in {path}"
    return match.group(1)


def test_wire_names_agree():
    tokens = SRC / "tokens.ts"
    assert _ts_string(tokens, "LAB_PYODIDE_PATH") == LAB_PYODIDE_PATH
    assert _ts_string(tokens, "LAB_PAGE_CONFIG_KEY") == LAB_PAGE_CONFIG_KEY


def test_usage_texts_agree():
    source = (SRC / "magic" / "options.ts").read_text(encoding="utf-8")
    match = re.search(r"export const USAGE = `([^`]*)`;", source)
    assert match
    assert match.group(1) == USAGE
