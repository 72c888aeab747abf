"""A bad value for the server extension's options stops the server, never runs it with defaults."""

import os
import subprocess
import sys


def test_a_bad_option_value_stops_the_server_start(tmp_path):
    # Jupyter Server only logs an extension's failure to take its config; the
    # server would then run with our defaults instead of what was asked for.
    cmd = [
        sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", "--port=0",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={tmp_path}",
        "--WorkerServerApp.embedder_policy=bogus",
    ]  # fmt: skip
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=False)
    assert result.returncode != 0
    assert "bad configuration" in result.stderr
    assert "'bogus'" in result.stderr
