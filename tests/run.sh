#!/usr/bin/env bash
# Install everything on a fresh machine (Debian, Python 3.11, Node 20, npm) and
# run the whole test suite: linters, unit, server and browser tests.
# The README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Playwright's PyPI package drives Debian's Chromium; it must never download one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium > /dev/null
fi

python3 -m venv .venv
# shellcheck disable=SC1091
. .venv/bin/activate

# The same install step mybinder runs (binder/postBuild), then the test tools.
bash binder/postBuild
python -m pip install --quiet ".[test]"
# ipywidgets for the Pyodide kernel, from PyPI now (install time): the widget
# tests ship them with JupyterLite's --piplite-wheels, the demo test with
# JupyterWorkerAddon.packages (pip offline, finding them here)
python -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.14 \
  --platform any --implementation py --abi none --dest .cache/wheels "ipywidgets~=8.1" \
  "widgetsnbextension~=4.0" \
  "jupyterlab_widgets==$(python -c 'import jupyterlab_widgets; print(jupyterlab_widgets.__version__)')"

echo "== lint"
ruff check .
ruff format --check .
mypy
(cd labextension && npm run --silent lint && npm run --silent test)

echo "== tests"
python -m pytest "$@"
