"""Build a JupyterLite site with the worker kernel, the way a user would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def build_site(
    output_dir: Path,
    contents: list[Path] | None = None,
    options: list[str] | None = None,
    plugin_settings: dict[str, dict[str, object]] | None = None,
) -> Path:
    """Run ``jupyter lite build`` from a clean folder and return ``output_dir``.

    The build runs in a new temporary folder so no ``.jupyterlite.doit.db`` from
    an earlier build can make it skip steps; ``output_dir`` is replaced.

    Parameters
    ----------
    output_dir
        Where the site goes (deleted first if it exists).
    contents
        Files or folders to put in the site's file browser.
    options
        More command-line options for ``jupyter lite build``.
    plugin_settings
        ``litePluginSettings`` for the site's ``jupyter-lite.json``, by plugin id
        (e.g. ``{"jupyter-worker:kernel": {"callbackTimeout": 5}}``).

    Raises
    ------
    RuntimeError
        With the build's output, if the build fails.
    """
    output_dir = output_dir.resolve()
    if output_dir.exists():
        shutil.rmtree(output_dir)
    cmd = [sys.executable, "-m", "jupyterlite_core", "build", "--output-dir", str(output_dir)]
    for path in contents or []:
        cmd += ["--contents", str(path.resolve())]
    cmd += options or []
    with tempfile.TemporaryDirectory(prefix="jupyter-worker-lite-") as lite_dir:
        if plugin_settings:
            config = {"jupyter-config-data": {"litePluginSettings": plugin_settings}}
            (Path(lite_dir) / "jupyter-lite.json").write_text(json.dumps(config), encoding="utf-8")
        result = subprocess.run(  # noqa: S603
            cmd, cwd=lite_dir, capture_output=True, text=True, check=False
        )
    if result.returncode:
        msg = f"jupyter lite build failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        raise RuntimeError(msg)
    return output_dir
