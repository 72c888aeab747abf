"""What `pip install` put in place: the labextension and the enabled server extension."""

import re
import subprocess
import sys


def _jupyter(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", *args], capture_output=True, text=True, check=True
    )
    # both commands print to stderr; strip ANSI colours
    return re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)


def test_labextension_is_installed_enabled_and_ok():
    listing = _jupyter("labextension", "list")
    assert re.search(r"jupyter-worker v\S+ enabled OK", listing), listing


def test_server_extension_is_enabled_and_ok():
    listing = _jupyter("server", "extension", "list")
    assert re.search(r"jupyter_worker enabled", listing), listing
    assert re.search(r"jupyter_worker \S+ OK", listing), listing
