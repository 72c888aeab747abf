"""Names and versions shared by every part of jupyter-worker, declared once.

The TypeScript side has its own copies where it needs them (``package.json``
pins ``pyodide``); ``tests/test_versions.py`` checks that they agree.
"""

from __future__ import annotations

#: The Pyodide release the worker kernel runs; it must be the one
#: ``jupyterlite_pyodide_kernel.constants.PYODIDE_VERSION`` expects.
PYODIDE_VERSION = "314.0.6"

#: The kernelspec name of the JupyterLite worker kernel.
KERNEL_NAME = "python-worker"

#: The name shown in the launcher for the worker kernel.
KERNEL_DISPLAY_NAME = "Python (worker)"

#: The npm (and labextension) name of the browser half of this package.
LABEXTENSION_NAME = "jupyter-worker"

#: The settings key the upstream Pyodide kernel reads in ``jupyter-lite.json``;
#: the worker kernel reads the same key so both kernels of a site share one Pyodide.
PYODIDE_KERNEL_PLUGIN_ID = "@jupyterlite/pyodide-kernel-extension:kernel"

#: Packages the kernel loads from the Pyodide lock when it starts; the build ships
#: them, and everything they depend on, as wheels next to the Pyodide core.
KERNEL_START_PACKAGES = ("micropip", "ipython", "jedi")

#: Modules a kernel start imports from those packages: the build gives them,
#: and the modules of the standard library and the wheels they import,
#: bytecode (``lite/bytecode_in_pyodide.py``), so that a start compiles none.
KERNEL_START_IMPORTS = ("micropip", "IPython", "jedi", "comm")

#: Upstream's kernel wheels (in its labextension and its npm package), by
#: project name, each after those it needs: a site's lock names them
#: (``lite/kernel_wheels.py``) and the package's build gives them bytecode.
KERNEL_WHEELS = ("pyodide_kernel", "ipykernel", "piplite")

#: Modules a kernel start imports from upstream's kernel wheels: with them
#: at hand, the build gives these bytecode too.
KERNEL_WHEEL_IMPORTS = ("pyodide_kernel",)

#: Packages the kernel installs at start that are not in the Pyodide lock:
#: name -> pinned version. They are added to the shipped lock.
EXTRA_START_PACKAGES = {"comm": "0.2.3"}

#: Where the offline Pyodide lands inside a built JupyterLite site.
LITE_PYODIDE_DIR = "static/jupyter-worker/pyodide"

#: The file, next to an air-gapped site's lock, that maps the import names of
#: the Pyodide packages it does not ship to their package names (written by the
#: Lite addon, read in the worker when such an import fails).
NOT_SHIPPED_FILE = "not-shipped.json"

#: Where the isolation scripts (service-worker fallback) land inside a built JupyterLite site.
LITE_ISOLATION_DIR = "static/jupyter-worker/isolation"

#: Embedder policies a page may be isolated with.
EMBEDDER_POLICIES = ("credentialless", "require-corp")

#: Where the server extension serves the offline Pyodide for ``%%worker`` in
#: JupyterLab, below the base URL (``ExtensionApp.static_paths`` of the app
#: named ``jupyter_worker``; ``tokens.ts`` ``LAB_PYODIDE_PATH``).
LAB_PYODIDE_PATH = "static/jupyter_worker/"

#: The JupyterLab page-config key under which the server extension tells
#: ``%%worker`` cells its package settings (``tokens.ts`` ``LAB_PAGE_CONFIG_KEY``).
LAB_PAGE_CONFIG_KEY = "jupyterWorker"
