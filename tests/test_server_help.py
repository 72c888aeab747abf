"""Every configurable option is documented where users look for it."""

import subprocess
import sys


def test_options_are_listed_with_help():
    result = subprocess.run(
        [sys.executable, "-m", "jupyter_worker.cli", "options"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in (
        "--WorkerServerApp.isolation_headers",
        "--WorkerServerApp.embedder_policy",
        "--JupyterWorkerAddon.pyodide_url",
    ):
        assert option in result.stdout
    assert "'credentialless' keeps" in result.stdout
    assert "Default: 'credentialless'" in result.stdout
